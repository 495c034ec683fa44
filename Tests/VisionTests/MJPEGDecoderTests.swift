import Foundation
import KioskTestSupport
import Testing
@testable import Vision

/// MJPEG frames as webcams send them (colour JPEG, 4:2:2), made from the generated test frames
/// by ImageMagick, decoded to luma by libjpeg-turbo and read by the real libzbar pipeline.
@Suite struct MJPEGDecoderTests {
    /// The frame as a colour 4:2:2 JPEG of the given quality.
    static func mjpeg(_ entry: ManifestEntry, quality: Int = 85) throws -> [UInt8] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-mjpeg-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try runTool(URL(fileURLWithPath: "/usr/bin/convert"),
                                 [entry.file.path, "-type", "TrueColor", "-sampling-factor", "2x1", "-quality", "\(quality)", out.path],
                                 mergingErrors: true)
        guard result.status == 0 else { throw FrameGenerationFailed(description: "convert: \(result.output)") }
        return Array(try Data(contentsOf: out))
    }

    @Test func everyGeneratedFrameDecodesToItsPayloadFromMJPEG() throws {
        let decoder = try FrameDecoder()
        let jpeg = try MJPEGDecoder()
        let entries = try TestFrames.manifest().filter { !$0.isEmpty && $0.label != "upce" && $0.label != "dm-damaged" }
        #expect(entries.count >= 14)
        for entry in entries {
            let bytes = try Self.mjpeg(entry)
            #expect(bytes.starts(with: [0xFF, 0xD8]), "a JPEG")
            let original = try ImageFile.load(path: entry.file.path)
            let frame = try jpeg.luma(bytes, expected: (original.width, original.height))
            #expect(frame.width == original.width && frame.height == original.height)
            let symbols = decoder.decode(frame)
            #expect(symbols.map(\.data) == [entry.data], "\(entry)")
        }
    }

    @Test func brokenOrUnexpectedFramesAreRejectedNotDecoded() throws {
        let jpeg = try MJPEGDecoder()
        let entry = try TestFrames.entry("ean13", "1280x720")
        let bytes = try Self.mjpeg(entry)
        #expect(try jpeg.luma(bytes).width == 1280)
        // Cut short by the link, as a dropped USB packet leaves it.
        #expect(throws: MJPEGError.self) { try jpeg.luma(Array(bytes.prefix(bytes.count / 2))) }
        #expect(throws: MJPEGError.self) { try jpeg.luma([]) }
        #expect(throws: MJPEGError.self) { try jpeg.luma([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array(repeating: 0x41, count: 100)) }
        // A frame of another size than the camera agreed to.
        #expect { try jpeg.luma(bytes, expected: (640, 480)) } throws: { "\($0)".contains("640x480 agreed") }
        // The decoder is still good after failures.
        #expect(try jpeg.luma(bytes, expected: (1280, 720)).height == 720)
    }

    @Test func anMJPEGFormatIsBoundedLikeARawOne() throws {
        let geometry = try V4L2Geometry.mjpeg(width: 1280, height: 720, sizeImage: 1_843_200)
        #expect(geometry.mjpeg && geometry.imageBytes == 1_843_200)
        #expect(throws: V4L2Geometry.Problem.self) { try V4L2Geometry.mjpeg(width: 0, height: 720, sizeImage: 0) }
        #expect(throws: V4L2Geometry.Problem.self) { try V4L2Geometry.mjpeg(width: 1280, height: 720, sizeImage: UInt32.max) }
        #expect(try V4L2Geometry.mjpeg(width: 640, height: 480, sizeImage: 0).imageBytes == 640 * 480)
    }
}
