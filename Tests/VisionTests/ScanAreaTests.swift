import KioskTestSupport
import Testing
@testable import Vision

/// zbar scans only the box around the parts of the frame with edges (`ScanArea`): it must cut the
/// work on a mostly flat view and never cost a code that zbar reads in the whole frame.
@Suite struct ScanAreaTests {
    /// A 640x480 frame at grey 128 with a 40x40 checkerboard (3-pixel squares, 90 and 170) at (300, 200).
    func patchFrame() -> GrayFrame {
        var pixels = [UInt8](repeating: 128, count: 640 * 480)
        for y in 200..<240 {
            for x in 300..<340 { pixels[y * 640 + x] = ((x / 3) + (y / 3)) % 2 == 0 ? 90 : 170 }
        }
        return try! GrayFrame(width: 640, height: 480, pixels: pixels)
    }

    func box(_ frame: GrayFrame, _ area: ScanArea = ScanArea()) -> Region? {
        frame.pixels.withUnsafeBufferPointer {
            area.box(in: ContrastMap($0.baseAddress!, width: frame.width, height: frame.height, cell: 8),
                     width: frame.width, height: frame.height)
        }
    }

    @Test func theAreaIsTheBoxAroundTheEdgesGrownByItsMargin() {
        // The patch touches blocks 37...42 across and 25...29 down; four blocks more on every side.
        #expect(box(patchFrame()) == Region(x: 33 * 8, y: 21 * 8, width: 14 * 8, height: 13 * 8))
        #expect(box(patchFrame(), ScanArea(threshold: 6, marginCells: 0)) == Region(x: 37 * 8, y: 25 * 8, width: 6 * 8, height: 5 * 8))
        // Near the frame's corner the box stops at the frame.
        var corner = [UInt8](repeating: 128, count: 64 * 48)
        for x in stride(from: 0, to: 64, by: 2) { corner[x] = 0 }
        let cornerFrame = try! GrayFrame(width: 64, height: 48, pixels: corner)
        #expect(box(cornerFrame) == Region(x: 0, y: 0, width: 64, height: 40))
    }

    @Test func aFrameWithoutEdgesHasNothingToScan() {
        #expect(box(flatFrame(width: 640, height: 480, value: 128)) == nil)
        // Sensor-like noise of a few grey levels is not an edge (a fixed generator: the same every run).
        var state: UInt32 = 12345
        let noisy = (0..<(640 * 480)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(126 + Int(state >> 29))
        }
        #expect(box(try! GrayFrame(width: 640, height: 480, pixels: noisy)) == nil)
        #expect(box(flatFrame(width: 7, height: 7, value: 0)) == nil)
    }

    @Test func aBusySceneIsScannedWhole() {
        let stripes = (0..<(640 * 480)).map { UInt8(($0 % 640) / 3 % 2 == 0 ? 60 : 200) }
        #expect(box(try! GrayFrame(width: 640, height: 480, pixels: stripes)) == Region(x: 0, y: 0, width: 640, height: 480))
    }

    /// The rows (or columns) zbar's img_scanner.c scans in `length` lines from `start`.
    func zbarLines(start: Int, length: Int, density: Int) -> Set<Int> {
        let border = min(((length - 1) % density + 1) / 2, length / 2)
        return Set(stride(from: start + border, to: start + length, by: density))
    }

    @Test(arguments: [1, 2, 3, 4])
    func theCropScansTheWholeFramesLinesInsideTheArea(density: Int) {
        for size in [1, 2, 3, 8, 47, 480, 720, 1280] {
            let whole = zbarLines(start: 0, length: size, density: density)
            for start in Set([0, 1, 2, 5, size / 3, size - 1].filter { $0 >= 0 && $0 < size }) {
                for length in Set([1, 2, 9, size / 2, size - start].filter { $0 >= 1 && start + $0 <= size }) {
                    let crop = ZBarDecoder.onScanLines(Region(x: start, y: 0, width: length, height: size),
                                                       width: size, height: size, density: density)
                    #expect(crop.x >= 0 && crop.width >= 1 && crop.x + crop.width <= size, "\(size) \(start) \(length)")
                    let scanned = zbarLines(start: crop.x, length: crop.width, density: density)
                    #expect(scanned.isSubset(of: whole), "size \(size), area \(start)+\(length): \(scanned.subtracting(whole))")
                    let wanted = whole.filter { $0 >= start && $0 < start + length }
                    #expect(wanted.isSubset(of: scanned), "size \(size), area \(start)+\(length): \(wanted.subtracting(scanned))")
                    #expect(zbarLines(start: crop.y, length: crop.height, density: density) == whole, "the whole side")
                }
            }
        }
    }

    // The two tests below decode many 720p frames: they yield between frames, as the fuzzers do, so
    // that the servers and polls of other suites get the test process's threads (two on two cores).

    @Test func everyGeneratedFrameReadsInsideTheAreaAsInTheWholeFrame() async throws {
        let area = try FrameDecoder()
        let whole = try FrameDecoder(settings: DecoderSettings(scanArea: nil))
        let entries = try TestFrames.manifest()
        #expect(entries.count >= 20)
        for entry in entries {
            await Task.yield()
            let frame = try ImageFile.load(path: entry.file.path)
            let inArea = area.decode(frame), inWhole = whole.decode(frame)
            #expect(inArea.map(\.name) == inWhole.map(\.name) && inArea.map(\.data) == inWhole.map(\.data), "\(entry)")
            // The same scan lines through the code: the same place, to a scan line or two.
            for (a, w) in zip(inArea, inWhole) {
                #expect(abs(a.bounds.x - w.bounds.x) <= 4 && abs(a.bounds.y - w.bounds.y) <= 4, "\(entry): \(a.bounds) \(w.bounds)")
            }
        }
    }

    @Test(arguments: ["ean13", "upca", "code128", "qr-payment"], [0, 4, 8])
    func aFaintCodeThatZbarReadsIsInsideTheArea(label: String, noise: Int) async throws {
        // The code's contrast squeezed towards mid-grey step by step, from 30% of what the generator
        // drew (full contrast: everyGeneratedFrameReadsInsideTheAreaAsInTheWholeFrame), then sensor
        // noise of up to `noise` grey levels added (a fixed generator), until the whole-frame
        // pipeline no longer reads it. At every step where it does, the area holds the code; and
        // the area reads it too, but for the faintest step: at the edge of zbar's sensitivity a
        // read depends on where a scan line starts (the area gains as many such reads on the bench
        // frames as it loses).
        let entry = try #require(try TestFrames.manifest().first { $0.label == label && $0.resolution == "1280x720" })
        let frame = try ImageFile.load(path: entry.file.path)
        let area = try FrameDecoder()
        let whole = try FrameDecoder(settings: DecoderSettings(scanArea: nil))
        var steps: [(percent: Int, inArea: Bool)] = []
        for percent in [30, 20, 15, 10, 7, 5] {
            await Task.yield()
            var state: UInt32 = 2024
            let faint = try GrayFrame(width: frame.width, height: frame.height, pixels: frame.pixels.map { pixel in
                state = state &* 1_664_525 &+ 1_013_904_223
                let jitter = noise == 0 ? 0 : Int(state >> 16) % (2 * noise + 1) - noise
                return UInt8(clamping: 128 + (Int(pixel) - 128) * percent / 100 + jitter)
            })
            guard let symbol = whole.decode(faint).first(where: { $0.data == entry.data }) else { break }
            let (prepared, _) = faint.preprocessed(Preprocessing())
            let box = try #require(prepared.pixels.withUnsafeBufferPointer {
                ScanArea().box(in: ContrastMap($0.baseAddress!, width: prepared.width, height: prepared.height, cell: 8),
                               width: prepared.width, height: prepared.height)
            }, "\(entry) at \(percent)%: nothing to scan")
            let b = symbol.bounds
            #expect(box.x <= b.x && box.y <= b.y && box.x + box.width >= b.x + b.width && box.y + box.height >= b.y + b.height,
                    "\(entry) at \(percent)%: \(b) outside \(box)")
            steps.append((percent, area.decode(faint).contains { $0.data == entry.data }))
        }
        // The check reached codes far fainter than the ones the generator draws.
        #expect(!steps.isEmpty, "\(entry): not read at 30%")
        #expect(steps.dropLast().allSatisfy { $0.inArea }, "\(entry): \(steps)")
    }
}
