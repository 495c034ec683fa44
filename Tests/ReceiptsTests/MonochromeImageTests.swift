import Testing
@testable import Receipts

@Suite struct MonochromeImageTests {
    static func field(_ value: UInt8, width: Int, height: Int) -> [UInt8] {
        [UInt8](repeating: value, count: width * height)
    }

    @Test func allWhiteHasNoBlackDots() throws {
        let image = try MonochromeImage.dithered(gray: Self.field(255, width: 120, height: 40), width: 120, height: 40, maxWidth: 384)
        #expect(image.width == 120 && image.height == 40)
        #expect(image.blackCount == 0)
    }

    @Test func allBlackIsAllBlack() throws {
        let image = try MonochromeImage.dithered(gray: Self.field(0, width: 123, height: 7), width: 123, height: 7, maxWidth: 384)
        #expect(image.blackCount == 123 * 7)
        // 123 = 15 × 8 + 3: the 5 spare bits of each row's last byte stay clear.
        #expect(image.row(0).last == 0xE0)
    }

    @Test(arguments: [UInt8(127), 128])
    func midGrayIsAboutHalfBlack(value: UInt8) throws {
        let image = try MonochromeImage.dithered(gray: Self.field(value, width: 200, height: 100), width: 200, height: 100, maxWidth: 384)
        let share = Double(image.blackCount) / Double(200 * 100)
        #expect(share > 0.4 && share < 0.6)
    }

    @Test func grayLevelsKeepTheirOrder() throws {
        var shares: [Double] = []
        for value in stride(from: 0, through: 255, by: 51) {
            let image = try MonochromeImage.dithered(gray: Self.field(UInt8(value), width: 64, height: 64), width: 64, height: 64, maxWidth: 64)
            shares.append(Double(image.blackCount) / 4096)
        }
        #expect(shares == shares.sorted(by: >))
        #expect(shares.first == 1 && shares.last == 0)
    }

    @Test(arguments: [(1000, 500, 384, 384, 192), (576, 10, 384, 384, 7), (300, 120, 576, 300, 120), (5000, 1, 384, 384, 1)])
    func wideImagesShrinkToTheMaximumWidthKeepingTheirShape(width: Int, height: Int, maxWidth: Int, newWidth: Int, newHeight: Int) throws {
        let image = try MonochromeImage.dithered(gray: Self.field(200, width: width, height: height), width: width, height: height, maxWidth: maxWidth)
        #expect(image.width <= maxWidth)
        #expect(image.width == newWidth && image.height == newHeight)
    }

    @Test func shrinkingAveragesTheAreaEachDotCovers() {
        // Three pixels into two: each target covers 1.5 source pixels.
        let thirds = MonochromeImage.shrink([0, 255, 0], width: 3, height: 1, toWidth: 2, height: 1)
        #expect(thirds.count == 2 && thirds.allSatisfy { abs($0 - 85) < 0.01 })
        // 4 x 2 into 2 x 1: plain 2 x 2 means.
        #expect(MonochromeImage.shrink([0, 100, 200, 255, 50, 150, 0, 1], width: 4, height: 2, toWidth: 2, height: 1) == [75, 114])
        // A black left half and a white right half stay that way, then dither exactly.
        let gray = (0..<(8 * 4)).map { $0 % 8 < 4 ? UInt8(0) : 255 }
        let image = try? MonochromeImage.dithered(gray: gray, width: 8, height: 4, maxWidth: 4)
        #expect(image?.packed == [0xC0, 0xC0])
    }

    @Test func wrongSizesAreErrorsNotCrashes() {
        #expect(throws: ImageError.bufferSize(expected: 12, actual: 11)) {
            try MonochromeImage.dithered(gray: [UInt8](repeating: 0, count: 11), width: 4, height: 3, maxWidth: 384)
        }
        #expect(throws: ImageError.invalidSize(width: 0, height: 3)) {
            try MonochromeImage.dithered(gray: [], width: 0, height: 3, maxWidth: 384)
        }
        #expect(throws: ImageError.invalidSize(width: -2, height: -2)) {
            try MonochromeImage.dithered(gray: [0, 0, 0, 0], width: -2, height: -2, maxWidth: 384)
        }
        #expect(throws: ImageError.invalidSize(width: Int.max, height: 2)) {
            try MonochromeImage.dithered(gray: [], width: Int.max, height: 2, maxWidth: 384)
        }
        #expect(throws: ImageError.invalidMaxWidth(0)) {
            try MonochromeImage.dithered(gray: [0], width: 1, height: 1, maxWidth: 0)
        }
        #expect(throws: ImageError.bufferSize(expected: 4, actual: 3)) {
            try MonochromeImage(width: 9, height: 2, packed: [0, 0, 0])
        }
    }

    @Test func packedRowsAreMSBFirstWithSpareBitsCleared() throws {
        let image = try MonochromeImage(width: 9, height: 1, packed: [0b1010_0000, 0xFF])
        #expect(image[0, 0] && !image[1, 0] && image[2, 0] && image[8, 0])
        #expect(image.packed == [0b1010_0000, 0x80])
        #expect(image.blackCount == 3)
    }

    @Test func matrixScaledWithAQuietZone() {
        var matrix = BitMatrix(width: 2, height: 2)
        matrix[0, 0] = true
        matrix[1, 1] = true
        let image = MonochromeImage(matrix: matrix, scale: 2, quietZone: 1)
        #expect(image.width == 8 && image.height == 8)
        let dark = (0..<8).flatMap { y in (0..<8).filter { image[$0, y] }.map { [$0, y] } }
        #expect(dark == [[2, 2], [3, 2], [2, 3], [3, 3], [4, 4], [5, 4], [4, 5], [5, 5]])
        // Nonsense parameters are clamped rather than trapping.
        #expect(MonochromeImage(matrix: matrix, scale: 0, quietZone: -3).width == 2)
    }

    @Test func barcodeModulesWithQuietZones() {
        let image = MonochromeImage(modules: [true, false, true, true], moduleWidth: 2, height: 3, quietZone: 1)
        #expect(image.width == 12 && image.height == 3)
        for y in 0..<3 {
            #expect((0..<12).map { image[$0, y] } == [false, false, true, true, false, false, true, true, true, true, false, false])
        }
    }

    @Test func centringPadsOrCropsEvenly() {
        var image = MonochromeImage(width: 4, height: 1)
        image[0, 0] = true
        image[3, 0] = true
        let padded = image.centered(inWidth: 16)
        #expect(padded.width == 16 && (0..<16).filter { padded[$0, 0] } == [6, 9])
        let cropped = image.centered(inWidth: 2)
        #expect(cropped.width == 2 && cropped.blackCount == 0)
    }
}
