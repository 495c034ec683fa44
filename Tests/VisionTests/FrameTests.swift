import Testing
@testable import Vision

@Suite struct FrameTests {
    @Test func aFrameOfTheRightSizeIsAccepted() throws {
        let frame = try GrayFrame(width: 4, height: 3, pixels: Array(0..<12))
        #expect(frame.width == 4 && frame.height == 3 && frame.pixels == Array(0..<12))
    }

    @Test func aTruncatedFrameIsRejectedWithAClearError() {
        #expect(throws: FrameError.wrongSize(format: "Y800", width: 640, height: 480, expected: 307_200, actual: 307_199)) {
            try GrayFrame(width: 640, height: 480, pixels: [UInt8](repeating: 0, count: 307_199))
        }
        let error = FrameError.wrongSize(format: "Y800", width: 640, height: 480, expected: 307_200, actual: 1000)
        #expect(error.description == "Y800 frame of 640x480 needs 307200 bytes but has 1000 (truncated): rejected")
    }

    @Test func aFrameTooLongForItsSizeIsRejected() {
        #expect(throws: FrameError.wrongSize(format: "Y800", width: 2, height: 2, expected: 4, actual: 5)) {
            try GrayFrame(width: 2, height: 2, pixels: [1, 2, 3, 4, 5])
        }
        #expect(FrameError.wrongSize(format: "Y800", width: 2, height: 2, expected: 4, actual: 5).description.contains("too long"))
    }

    @Test(arguments: [(0, 10), (10, 0), (-1, 5), (GrayFrame.maximumSide + 1, 1)])
    func unusableDimensionsAreRejected(width: Int, height: Int) {
        #expect(throws: FrameError.badDimensions(width: width, height: height)) {
            try GrayFrame(width: width, height: height, pixels: [])
        }
    }

    @Test func paddedRowsAreCopiedWithoutThePadding() throws {
        // 3 pixels per row, rows 5 bytes apart (2 bytes of padding, 9 and 8).
        let bytes: [UInt8] = [1, 2, 3, 9, 8, 4, 5, 6, 9, 8]
        let frame = try GrayFrame(width: 3, height: 2, bytesPerLine: 5, bytes: bytes)
        #expect(frame.pixels == [1, 2, 3, 4, 5, 6])
        #expect(throws: FrameError.wrongSize(format: "Y800", width: 3, height: 2, expected: 10, actual: 9)) {
            try GrayFrame(width: 3, height: 2, bytesPerLine: 5, bytes: bytes.dropLast())
        }
        #expect(throws: FrameError.badStride(bytesPerLine: 2, minimum: 3)) {
            try GrayFrame(width: 3, height: 2, bytesPerLine: 2, bytes: bytes.prefix(4))
        }
    }

    @Test func yuyvKeepsTheLuma() throws {
        // Y0 U Y1 V: two pixels per four bytes.
        let bytes: [UInt8] = [10, 128, 20, 129, 30, 130, 40, 131,
                              50, 132, 60, 133, 70, 134, 80, 135]
        let frame = try GrayFrame.yuyv(width: 4, height: 2, bytes: bytes)
        #expect(frame.pixels == [10, 20, 30, 40, 50, 60, 70, 80])
        // With padded rows.
        let padded: [UInt8] = [10, 128, 20, 129, 0, 0, 50, 132, 60, 133, 0, 0]
        #expect(try GrayFrame.yuyv(width: 2, height: 2, bytesPerLine: 6, bytes: padded).pixels == [10, 20, 50, 60])
    }

    @Test func aTruncatedOrOddYUYVFrameIsRejected() {
        #expect(throws: FrameError.wrongSize(format: "YUYV", width: 4, height: 2, expected: 16, actual: 15)) {
            try GrayFrame.yuyv(width: 4, height: 2, bytes: [UInt8](repeating: 0, count: 15))
        }
        #expect(throws: FrameError.wrongSize(format: "YUYV", width: 4, height: 2, expected: 16, actual: 8)) {
            // A Y800-sized buffer handed over as YUYV: half of what is needed.
            try GrayFrame.yuyv(width: 4, height: 2, bytes: [UInt8](repeating: 0, count: 8))
        }
        #expect(throws: FrameError.oddWidth(3)) {
            try GrayFrame.yuyv(width: 3, height: 2, bytes: [UInt8](repeating: 0, count: 12))
        }
    }
}
