import Foundation
import KioskTestSupport
import Testing
@testable import Vision

/// DataMatrix at the camera: libdmtx on the square candidates of generated frames (zint's GS1 and
/// plain DataMatrix, placed, turned, blurred and noised like the other test frames).
@Suite struct DataMatrixTests {
    func symbols(_ label: String, _ resolution: String, settings: DecoderSettings = DecoderSettings()) throws -> [DecodedSymbol] {
        try FrameDecoder(settings: settings).decode(try ImageFile.load(path: try TestFrames.entry(label, resolution).file.path))
    }

    @Test(arguments: ["640x480", "1280x720"])
    func aGS1DataMatrixReadsAsItsElementStringWithD2(_ resolution: String) throws {
        let entry = try TestFrames.entry("gs1-datamatrix", resolution)
        let symbol = try #require(try symbols("gs1-datamatrix", resolution).first)
        // GTIN 06907674936533, expiry (17) 2027-12-31, lot (10) LOT42: FNC1 first, not in the data.
        #expect(symbol.symbology == .datamatrix && symbol.isGS1)
        #expect(symbol.aimIdentifier == "]d2" && symbol.name == "gs1-datamatrix")
        #expect(symbol.data == "01069076749365331727123110LOT42" && symbol.data == entry.data)
        let (width, height) = resolution == "640x480" ? (640, 480) : (1280, 720)
        #expect(symbol.bounds.width > 50 && symbol.bounds.height > 50)
        #expect(symbol.bounds.x >= 0 && symbol.bounds.x + symbol.bounds.width <= width)
        #expect(symbol.bounds.y >= 0 && symbol.bounds.y + symbol.bounds.height <= height)
    }

    @Test(arguments: ["640x480", "1280x720"])
    func aPlainDataMatrixReadsWithD1(_ resolution: String) throws {
        let found = try symbols("dm-text", resolution)
        #expect(found.map(\.reading) == [SymbolReading(symbology: .datamatrix, isGS1: false, data: "KIOSK-DM-0042")])
        #expect(found.first?.aimIdentifier == "]d1")
    }

    @Test func aDamagedDataMatrixIsNotRead() throws {
        // The middle third of the symbol replaced by another code's modules: libdmtx finds its
        // finder edges and tries it, and the error correction refuses; nothing is read, least of
        // all another code.
        #expect(try symbols("dm-damaged", "1280x720").isEmpty)
        let prepared = try ImageFile.load(path: try TestFrames.entry("dm-damaged", "1280x720").file.path).preprocessed(Preprocessing()).frame
        let candidates = prepared.pixels.withUnsafeBufferPointer {
            MatrixCandidates().find(in: $0.baseAddress!, width: prepared.width, height: prepared.height)
        }
        #expect(!candidates.isEmpty, "the damaged code is still looked at")
    }

    @Test func withoutDataMatrixInTheSettingsLibdmtxIsNotAsked() throws {
        let zbarOnly = DecoderSettings(symbologies: Symbology.kioskDefault.subtracting([.datamatrix]))
        #expect(try symbols("gs1-datamatrix", "1280x720", settings: zbarOnly).isEmpty)
        let dataMatrixOnly = DecoderSettings(symbologies: [.datamatrix])
        #expect(try symbols("ean13", "640x480", settings: dataMatrixOnly).isEmpty)
        #expect(try symbols("dm-text", "640x480", settings: dataMatrixOnly).map(\.data) == ["KIOSK-DM-0042"])
    }

    @Test func otherCodesAndEmptyFramesGiveNoDataMatrix() throws {
        let decoder = try FrameDecoder()
        let others = try TestFrames.manifest().filter { !$0.symbology.contains("datamatrix") }
        #expect(others.count >= 16)
        for entry in others {
            #expect(!decoder.decode(try ImageFile.load(path: entry.file.path)).contains { $0.symbology == .datamatrix }, "\(entry)")
        }
    }

    @Test func anyFrameIsSafeToDecode() throws {
        // Sizes at and around the candidate grid, flat, noise, fine and coarse checkerboards (busy
        // in both directions, as a matrix code is): never a crash, never a DataMatrix read.
        let decoder = try FrameDecoder(settings: DecoderSettings(symbologies: [.datamatrix]))
        var random = SplitMix64(seed: 16)
        for (width, height) in [(1, 1), (7, 7), (8, 8), (23, 24), (24, 24), (25, 31), (64, 64), (320, 240), (641, 481)] {
            let noise = (0..<width * height).map { _ in UInt8.random(in: 0...255, using: &random) }
            for pixels in [noise,
                           [UInt8](repeating: 0, count: width * height),
                           (0..<width * height).map { ($0 % width + $0 / width) % 2 == 0 ? 0 : 255 },
                           (0..<width * height).map { ($0 % width / 5 + $0 / width / 5) % 2 == 0 ? 20 : 230 }] {
                let frame = try GrayFrame(width: width, height: height, pixels: pixels)
                #expect(decoder.decode(frame).isEmpty, "\(width)x\(height)")
            }
        }
    }
}

/// Where libdmtx is asked to look.
@Suite struct MatrixCandidatesTests {
    func find(_ frame: GrayFrame, _ finder: MatrixCandidates = MatrixCandidates()) -> [Region] {
        frame.pixels.withUnsafeBufferPointer { finder.find(in: $0.baseAddress!, width: frame.width, height: frame.height) }
    }

    /// A flat grey frame with `draw` applied to each pixel inside `box`.
    func frame(_ width: Int, _ height: Int, _ box: Region, _ draw: (Int, Int) -> UInt8) throws -> GrayFrame {
        var pixels = [UInt8](repeating: 128, count: width * height)
        for y in box.y..<(box.y + box.height) {
            for x in box.x..<(box.x + box.width) { pixels[y * width + x] = draw(x - box.x, y - box.y) }
        }
        return try GrayFrame(width: width, height: height, pixels: pixels)
    }

    @Test func aSquareBusyInBothDirectionsIsOneCandidateAroundIt() throws {
        let box = Region(x: 200, y: 96, width: 96, height: 96)
        // 5-pixel modules in a pseudo-random pattern: edges across and along. (Odd, so that edges
        // fall between the pixel pairs the finder samples; in a camera frame, smoothed first, every
        // edge spans several pixels.)
        let square = try frame(640, 480, box) { x, y in ((x / 5) * 7 + (y / 5) * 13 + (x / 5) * (y / 5)) % 3 == 0 ? 20 : 235 }
        let found = find(square)
        #expect(found.count == 1)
        let candidate = try #require(found.first)
        // Grown by two cells of 8 pixels (the finder edge and quiet zone) and contains the code.
        #expect(candidate.x <= box.x && candidate.y <= box.y)
        #expect(candidate.x + candidate.width >= box.x + box.width && candidate.y + candidate.height >= box.y + box.height)
        #expect(candidate.width <= box.width + 6 * 8 && candidate.height <= box.height + 6 * 8)
    }

    @Test func barsFlatFramesAndSlimShapesAreNotCandidates() throws {
        // Vertical bars: edges across only (a 1D code).
        let bars = try frame(640, 480, Region(x: 100, y: 100, width: 200, height: 150)) { x, _ in (x / 5) % 2 == 0 ? 20 : 235 }
        #expect(find(bars).isEmpty)
        #expect(find(try frame(640, 480, Region(x: 0, y: 0, width: 0, height: 0)) { _, _ in 0 }).isEmpty)
        // Busy, but four times as wide as tall.
        let strip = try frame(640, 480, Region(x: 40, y: 200, width: 480, height: 120)) { x, y in ((x / 5) + (y / 5)) % 2 == 0 ? 20 : 235 }
        #expect(find(strip).isEmpty)
        // Smaller than the frame's cells: nothing to look at.
        #expect(find(try frame(16, 16, Region(x: 0, y: 0, width: 16, height: 16)) { x, y in (x + y) % 2 == 0 ? 0 : 255 }).isEmpty)
    }

    @Test func atMostTheLimitLargestFirst() throws {
        var pixels = [UInt8](repeating: 128, count: 640 * 480)
        for (x0, side) in [(16, 48), (200, 96), (400, 64)] {
            for y in 160..<(160 + side) {
                for x in x0..<(x0 + side) { pixels[y * 640 + x] = ((x / 5) + (y / 5)) % 2 == 0 ? 20 : 235 }
            }
        }
        let found = find(try GrayFrame(width: 640, height: 480, pixels: pixels))
        #expect(found.count == 2)
        #expect(found.map { $0.x <= 200 && $0.x + $0.width >= 296 } == [true, false])
        #expect(found.last.map { $0.x <= 400 && $0.x + $0.width >= 464 } == true)
    }
}
