import Testing
@testable import Vision

@Suite struct PreprocessingTests {
    /// The filter written the slow, obvious way: clamped neighbours, [1 2 1] x [1 2 1] / 16, rounded.
    func reference(_ frame: GrayFrame) -> [UInt8] {
        let w = frame.width, h = frame.height
        func at(_ x: Int, _ y: Int) -> Int { Int(frame.pixels[min(max(y, 0), h - 1) * w + min(max(x, 0), w - 1)]) }
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                var sum = 0
                for dy in -1...1 {
                    for dx in -1...1 { sum += at(x + dx, y + dy) * (dx == 0 ? 2 : 1) * (dy == 0 ? 2 : 1) }
                }
                out[y * w + x] = UInt8((sum + 8) / 16)
            }
        }
        return out
    }

    @Test(arguments: [(1, 1), (1, 5), (5, 1), (2, 2), (7, 3), (64, 48)])
    func smoothingMatchesTheReference(width: Int, height: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let frame = try GrayFrame(width: width, height: height,
                                  pixels: (0..<width * height).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let (smoothed, mapping) = frame.preprocessed(Preprocessing())
        #expect(smoothed.pixels == reference(frame))
        #expect(mapping == FrameMapping())
    }

    @Test func anImpulseSpreadsAsTheKernel() throws {
        var pixels = [UInt8](repeating: 0, count: 25)
        pixels[12] = 160
        let smoothed = try GrayFrame(width: 5, height: 5, pixels: pixels).preprocessed(Preprocessing()).frame.pixels
        #expect(Array(smoothed[6...8]) == [10, 20, 10])
        #expect(Array(smoothed[11...13]) == [20, 40, 20])
        #expect(Array(smoothed[16...18]) == [10, 20, 10])
        #expect(smoothed[0] == 0 && smoothed[24] == 0)
    }

    @Test func flatStaysFlat() {
        let frame = flatFrame(width: 9, height: 4, value: 77)
        #expect(frame.preprocessed(Preprocessing()).frame == frame)
        #expect(frame.preprocessed(Preprocessing(smoothing: false)).frame == frame)
    }

    @Test func regionOfInterestCropsAndMaps() throws {
        let frame = try GrayFrame(width: 6, height: 4, pixels: Array(0..<24))
        let (crop, mapping) = frame.preprocessed(Preprocessing(smoothing: false, regionOfInterest: Region(x: 2, y: 1, width: 3, height: 2)))
        #expect(crop.width == 3 && crop.height == 2)
        #expect(crop.pixels == [8, 9, 10, 14, 15, 16])
        #expect(mapping.frameX(0) == 2 && mapping.frameY(1) == 2)
        // Clamped to the frame; a region outside it leaves the whole frame.
        let clamped = frame.preprocessed(Preprocessing(smoothing: false, regionOfInterest: Region(x: 4, y: -2, width: 10, height: 4))).frame
        #expect(clamped.width == 2 && clamped.height == 2 && clamped.pixels == [4, 5, 10, 11])
        let outside = frame.preprocessed(Preprocessing(smoothing: false, regionOfInterest: Region(x: 10, y: 10, width: 2, height: 2))).frame
        #expect(outside == frame)
    }

    @Test func downscaleAveragesBlocks() throws {
        let frame = try GrayFrame(width: 5, height: 3, pixels: [0, 2, 10, 20, 99,
                                                               4, 6, 30, 41, 99,
                                                               99, 99, 99, 99, 99])
        let (half, mapping) = frame.preprocessed(Preprocessing(smoothing: false, downscale: 2))
        #expect(half.width == 2 && half.height == 1)
        #expect(half.pixels == [3, 25])
        #expect(mapping.scale == 2 && mapping.frameX(1) == 2)
        // The averaging is the smoothing: no second pass over the halved image.
        #expect(frame.preprocessed(Preprocessing(smoothing: true, downscale: 2)).frame == half)
        // Region first, then downscale: offsets are in frame pixels, sizes scaled.
        let both = frame.preprocessed(Preprocessing(smoothing: false, regionOfInterest: Region(x: 2, y: 0, width: 2, height: 2), downscale: 2))
        #expect(both.frame.pixels == [25])
        #expect(both.mapping.frameX(0) == 2 && both.mapping.scale == 2)
    }
}
