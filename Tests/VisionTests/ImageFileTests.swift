import CPNG
import Foundation
import KioskTestSupport
import Testing
@testable import Vision

@Suite struct ImageFileTests {
    func pgm(_ header: String, _ pixels: [UInt8]) -> [UInt8] { Array(header.utf8) + pixels }

    @Test func binaryPGMWithComments() throws {
        let bytes = pgm("P5\n# made by a test\n3 2\n# another\n255\n", [0, 1, 2, 253, 254, 255])
        let frame = try ImageFile.decode(bytes)
        #expect(frame.width == 3 && frame.height == 2)
        #expect(frame.pixels == [0, 1, 2, 253, 254, 255])
    }

    @Test func plainPGMAndOtherMaxvals() throws {
        #expect(try ImageFile.decode(Array("P2 2 2 15 0 15 7 8".utf8)).pixels == [0, 255, 119, 136])
        // 16-bit samples, big-endian.
        let wide = pgm("P5 2 1 65535\n", [0x00, 0x00, 0xFF, 0xFF])
        #expect(try ImageFile.decode(wide).pixels == [0, 255])
    }

    @Test func colourBecomesLuma() throws {
        // Pure red, green, blue and white in a binary PPM, then the same as plain text.
        let raw: [UInt8] = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]
        let expected: [UInt8] = [77, 149, 29, 255]
        #expect(try ImageFile.decode(Array("P6 4 1 255\n".utf8) + raw).pixels == expected)
        #expect(try ImageFile.decode(Array("P3 4 1 255 \(raw.map(String.init).joined(separator: " "))".utf8)).pixels == expected)
    }

    @Test func truncatedPGMIsAClearError() {
        let bytes = pgm("P5\n640 480\n255\n", [UInt8](repeating: 7, count: 1000))
        #expect(throws: ImageFileError.truncated(path: "t.pgm", format: "PGM (P5)", expected: 307_200, actual: 1000)) {
            try ImageFile.decode(bytes, path: "t.pgm")
        }
        let error = ImageFileError.truncated(path: "t.pgm", format: "PGM (P5)", expected: 307_200, actual: 1000)
        #expect(error.description == "t.pgm: truncated PGM (P5): the header promises 307200 bytes of pixels, the file has 1000")
        #expect(throws: ImageFileError.truncated(path: "p.pgm", format: "PGM (P2)", expected: 4, actual: 3)) {
            try ImageFile.decode(Array("P2 2 2 255 1 2 3".utf8), path: "p.pgm")
        }
    }

    @Test func malformedHeadersSayWhatIsWrong() {
        #expect(throws: ImageFileError.malformed(path: "a", format: "PGM (P5)", reason: "the header has no height")) {
            try ImageFile.decode(Array("P5 12".utf8), path: "a")
        }
        #expect(throws: ImageFileError.malformed(path: "a", format: "PGM (P5)", reason: "maximum value 0 is outside 1...65535")) {
            try ImageFile.decode(Array("P5 1 1 0\n\u{0}".utf8), path: "a")
        }
        #expect(throws: ImageFileError.malformed(path: "a", format: "PGM (P2)", reason: "sample 300 exceeds the maximum value 255")) {
            try ImageFile.decode(Array("P2 1 1 255 300".utf8), path: "a")
        }
        #expect(throws: ImageFileError.frame(path: "a", .badDimensions(width: 0, height: 5))) {
            try ImageFile.decode(Array("P5 0 5 255\n".utf8), path: "a")
        }
        #expect(throws: ImageFileError.unknownFormat(path: "a")) {
            try ImageFile.decode(Array("GIF89a....".utf8), path: "a")
        }
        #expect(ImageFileError.unknownFormat(path: "a.jpg").description == "a.jpg: not a PGM, PPM or PNG image")
    }

    @Test func aMissingFileIsUnreadable() {
        #expect(throws: ImageFileError.unreadable(path: "/nonexistent/frame.pgm", reason: "no such file")) {
            try ImageFile.load(path: "/nonexistent/frame.pgm")
        }
    }

    /// PNG bytes written by libpng itself.
    func png(width: Int, height: Int, format: Int32, pixels: [UInt8]) throws -> [UInt8] {
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        image.width = png_uint_32(width)
        image.height = png_uint_32(height)
        image.format = png_uint_32(format)
        var size = 0
        guard png_image_write_to_memory(&image, nil, &size, 0, pixels, 0, nil) != 0 else {
            throw FrameGenerationFailed(description: "libpng could not size the PNG")
        }
        var out = [UInt8](repeating: 0, count: size)
        guard png_image_write_to_memory(&image, &out, &size, 0, pixels, 0, nil) != 0 else {
            throw FrameGenerationFailed(description: "libpng could not write the PNG")
        }
        return Array(out.prefix(size))
    }

    @Test func pngGrayAndColour() throws {
        let gray: [UInt8] = (0..<48).map { UInt8($0 * 5) }
        let frame = try ImageFile.decode(try png(width: 8, height: 6, format: Int32(PNG_FORMAT_GRAY), pixels: gray))
        #expect(frame.width == 8 && frame.height == 6 && frame.pixels == gray)

        let rgb: [UInt8] = [0, 0, 0, 255, 255, 255, 128, 128, 128, 255, 255, 255]
        let colour = try ImageFile.decode(try png(width: 2, height: 2, format: Int32(PNG_FORMAT_RGB), pixels: rgb))
        #expect(colour.pixels == [0, 255, 128, 255])
        // Transparent becomes white (paper), opaque black stays black.
        let ga: [UInt8] = [0, 0, 0, 255]
        #expect(try ImageFile.decode(try png(width: 2, height: 1, format: Int32(PNG_FORMAT_GA), pixels: ga)).pixels == [255, 0])
    }

    @Test func brokenPNGsAreClearErrors() throws {
        let good = try png(width: 64, height: 64, format: Int32(PNG_FORMAT_GRAY), pixels: (0..<4096).map { UInt8($0 % 251) })
        // Cut off in the middle of the pixel data.
        let cut = Array(good.prefix(good.count / 2))
        #expect {
            try ImageFile.decode(cut, path: "cut.png")
        } throws: { error in
            guard case .malformed(let path, let format, let reason)? = error as? ImageFileError else { return false }
            return path == "cut.png" && format == "PNG" && !reason.isEmpty
        }
        // Only the signature.
        #expect {
            try ImageFile.decode(Array(good.prefix(8)), path: "sig.png")
        } throws: { error in
            (error as? ImageFileError)?.description.hasPrefix("sig.png: bad PNG: ") == true
        }
        // A damaged header chunk (its CRC no longer matches).
        var damaged = good
        damaged[17] ^= 0xFF
        #expect(throws: ImageFileError.self) { try ImageFile.decode(damaged, path: "crc.png") }
    }

    @Test func generatedPNGAndPGMFramesLoad() throws {
        for entry in try TestFrames.manifest().prefix(6) {
            let frame = try ImageFile.load(path: entry.file.path)
            let size = entry.resolution.split(separator: "x").compactMap { Int($0) }
            #expect([frame.width, frame.height] == size, "\(entry)")
        }
    }
}
