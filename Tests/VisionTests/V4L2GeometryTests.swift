import KioskTestSupport
import Testing
@testable import Vision

/// What a buggy or hostile V4L2 driver may report for the agreed format: each bad layout is
/// refused before the camera requests or maps a buffer for it.
@Suite struct V4L2GeometryTests {
    typealias Problem = V4L2Geometry.Problem

    func check(_ width: UInt32, _ height: UInt32, line: UInt32, image: UInt32, yuyv: Bool = false) throws(Problem) -> V4L2Geometry {
        try V4L2Geometry.check(width: width, height: height, bytesPerLine: line, sizeImage: image, yuyv: yuyv)
    }

    @Test func honestDriversAreTaken() throws {
        let grey = try check(1280, 720, line: 1280, image: 1280 * 720)
        #expect(grey == V4L2Geometry(width: 1280, height: 720, bytesPerLine: 1280, frameBytes: 921_600, imageBytes: 921_600, yuyv: false))
        // Padded rows, a page-rounded image, YUYV's two bytes a pixel.
        let padded = try check(640, 480, line: 1344, image: 1344 * 480 + 1024, yuyv: true)
        #expect(padded.bytesPerLine == 1344 && padded.frameBytes == 645_120 && padded.imageBytes == 646_144)
        // Zero means "no padding", as V4L2 defines it.
        let defaults = try check(320, 240, line: 0, image: 0, yuyv: true)
        #expect(defaults.bytesPerLine == 640 && defaults.imageBytes == 153_600)
    }

    @Test func sidesThatAreZeroOrAbsurdAreRefused() {
        #expect(throws: Problem.badDimensions(width: 0, height: 720)) { try check(0, 720, line: 0, image: 0) }
        #expect(throws: Problem.badDimensions(width: 640, height: 0)) { try check(640, 0, line: 640, image: 0) }
        // Products of these overflow 64 bits: refused before any multiplication.
        #expect(throws: Problem.badDimensions(width: .max, height: .max)) { try check(.max, .max, line: .max, image: .max) }
        #expect(throws: Problem.badDimensions(width: 16_385, height: 2)) { try check(16_385, 2, line: 16_385, image: 0) }
        #expect(throws: Problem.oddWidth(641)) { try check(641, 480, line: 1282, image: 0, yuyv: true) }
    }

    @Test func rowsThatCannotHoldAPixelRowOrArePaddedAbsurdlyAreRefused() {
        #expect(throws: Problem.rowTooShort(bytesPerLine: 640, minimum: 1280)) { try check(640, 480, line: 640, image: 0, yuyv: true) }
        #expect(throws: Problem.rowTooShort(bytesPerLine: 1, minimum: 640)) { try check(640, 480, line: 1, image: 0) }
        #expect(throws: Problem.rowTooLong(bytesPerLine: .max, minimum: 640)) { try check(640, 480, line: .max, image: .max) }
        #expect(throws: Problem.rowTooLong(bytesPerLine: 640 + 4097, minimum: 640)) { try check(640, 480, line: 640 + 4097, image: 0) }
    }

    @Test func imagesTooSmallForTheRowsOrFarTooLargeAreRefused() {
        // A frame that can never fill its rows (the read would run past the mapped buffer).
        #expect(throws: Problem.imageTooSmall(sizeImage: 100, needed: 307_200)) { try check(640, 480, line: 640, image: 100) }
        #expect(throws: Problem.imageTooSmall(sizeImage: 307_199, needed: 307_200)) { try check(640, 480, line: 640, image: 307_199) }
        // Gigabytes for a VGA frame: the allocation is the attack.
        #expect(throws: Problem.imageTooLarge(sizeImage: .max, needed: 307_200)) { try check(640, 480, line: 640, image: .max) }
        #expect(throws: Problem.imageTooLarge(sizeImage: 614_401, needed: 307_200)) { try check(640, 480, line: 640, image: 614_401) }
        // Sides each within bounds, but a frame no lane camera sends (16384 x 16384 grey is 256 MB).
        #expect(throws: Problem.imageTooLarge(sizeImage: 0, needed: 268_435_456)) { try check(16_384, 16_384, line: 0, image: 0) }
    }

    @Test func theMessageSaysTheDriverIsAtFault() {
        #expect("\(Problem.imageTooSmall(sizeImage: 100, needed: 307_200))"
                == "the camera driver reported an unusable frame format: an image of 100 bytes cannot hold 307200 bytes of rows")
    }

    /// Every layout the check takes can be read safely: its rows fit the image, and nothing is huge.
    @Test func whateverIsTakenIsConsistent() {
        var generator = SplitMix64(seed: 0x5EED_F4A3)
        var taken = 0
        var inconsistent: [V4L2Geometry] = []
        for _ in 0..<20_000 {
            let values = (0..<4).map { _ -> UInt32 in
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: return UInt32.random(in: 0...4, using: &generator)
                case 1: return UInt32.random(in: 0...5_000, using: &generator)
                case 2: return UInt32.random(in: 0...20_000_000, using: &generator)
                default: return UInt32.random(in: 0 ... .max, using: &generator)
                }
            }
            guard let geometry = try? check(values[0], values[1], line: values[2], image: values[3], yuyv: Bool.random(using: &generator))
            else { continue }
            taken += 1
            let consistent = geometry.bytesPerLine >= geometry.width * (geometry.yuyv ? 2 : 1)
                && geometry.frameBytes == geometry.bytesPerLine * geometry.height
                && geometry.frameBytes <= geometry.imageBytes && geometry.imageBytes <= V4L2Geometry.maximumImageBytes
            if !consistent { inconsistent.append(geometry) }
        }
        #expect(taken > 0)
        #expect(inconsistent.isEmpty, "\(inconsistent.prefix(5))")
    }
}
