import CPNG
import Foundation

/// Reads still pictures as gray frames: PGM and PPM (binary P5/P6 and plain P2/P3, any maxval up
/// to 65535) parsed here, PNG through libpng's simplified API (any bit depth, palette, alpha
/// composed onto white). Colour is turned into luma.
public enum ImageFile {
    /// What a file's first bytes say it is.
    public enum Format: String, Sendable {
        case pgm, ppm, png
    }

    public static func load(path: String) throws(ImageFileError) -> GrayFrame {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error))
        }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes a file's bytes; `path` is only used in error messages.
    public static func decode(_ bytes: [UInt8], path: String = "image") throws(ImageFileError) -> GrayFrame {
        switch format(of: bytes) {
        case .pgm?, .ppm?: return try PNM.decode(bytes, path: path)
        case .png?: return try PNG.decode(bytes, path: path)
        case nil: throw .unknownFormat(path: path)
        }
    }

    public static func format(of bytes: [UInt8]) -> Format? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P") else { return nil }
        switch bytes[1] {
        case UInt8(ascii: "2"), UInt8(ascii: "5"): return .pgm
        case UInt8(ascii: "3"), UInt8(ascii: "6"): return .ppm
        default: return nil
        }
    }

    /// The file extensions a frames folder is searched for.
    public static let extensions: Set<String> = ["pgm", "ppm", "pnm", "png"]

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        switch nsError.code {
        case NSFileReadNoSuchFileError: return "no such file"
        case NSFileReadNoPermissionError: return "permission denied"
        default: return nsError.localizedDescription
        }
    }
}

public enum ImageFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unknownFormat(path: String)
    case malformed(path: String, format: String, reason: String)
    case truncated(path: String, format: String, expected: Int, actual: Int)
    case frame(path: String, FrameError)

    public var path: String {
        switch self {
        case .unreadable(let path, _), .unknownFormat(let path), .malformed(let path, _, _),
             .truncated(let path, _, _, _), .frame(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot be read (\(reason))"
        case .unknownFormat(let path): return "\(path): not a PGM, PPM or PNG image"
        case .malformed(let path, let format, let reason): return "\(path): bad \(format): \(reason)"
        case .truncated(let path, let format, let expected, let actual):
            return "\(path): truncated \(format): the header promises \(expected) bytes of pixels, the file has \(actual)"
        case .frame(let path, let error): return "\(path): \(error)"
        }
    }
}

/// Netpbm gray and colour maps: a text header (magic, width, height, maxval, `#` comments), one
/// whitespace byte, then the raster (binary, 1 or 2 bytes per sample big-endian) or decimal text.
enum PNM {
    static func decode(_ bytes: [UInt8], path: String) throws(ImageFileError) -> GrayFrame {
        let binary = bytes[1] == UInt8(ascii: "5") || bytes[1] == UInt8(ascii: "6")
        let channels = bytes[1] == UInt8(ascii: "3") || bytes[1] == UInt8(ascii: "6") ? 3 : 1
        let format = "\(channels == 1 ? "PGM" : "PPM") (P\(Character(UnicodeScalar(bytes[1]))))"
        var reader = Reader(bytes: bytes, index: 2)
        func field(_ name: String) throws(ImageFileError) -> Int {
            guard let value = reader.number(skipComments: true) else {
                throw .malformed(path: path, format: format, reason: "the header has no \(name)")
            }
            return value
        }
        let width = try field("width"), height = try field("height"), maxval = try field("maximum value")
        guard (1...65_535).contains(maxval) else {
            throw .malformed(path: path, format: format, reason: "maximum value \(maxval) is outside 1...65535")
        }
        do { try GrayFrame.checkDimensions(width: width, height: height) } catch { throw .frame(path: path, error) }
        let samples = width * height * channels
        var values = [UInt16](repeating: 0, count: samples)
        if binary {
            // Exactly one whitespace byte ends the header.
            guard reader.index < bytes.count, Reader.isSpace(bytes[reader.index]) else {
                throw .malformed(path: path, format: format, reason: "no whitespace after the header")
            }
            let start = reader.index + 1
            let size = maxval > 255 ? 2 : 1
            let available = bytes.count - start
            guard available >= samples * size else {
                throw .truncated(path: path, format: format, expected: samples * size, actual: max(0, available))
            }
            bytes.withUnsafeBufferPointer { raw in
                if size == 1 {
                    for i in 0..<samples { values[i] = UInt16(raw[start + i]) }
                } else {
                    for i in 0..<samples { values[i] = UInt16(raw[start + 2 * i]) << 8 | UInt16(raw[start + 2 * i + 1]) }
                }
            }
        } else {
            for i in 0..<samples {
                guard let value = reader.number(skipComments: true) else {
                    throw .truncated(path: path, format: format, expected: samples, actual: i)
                }
                guard value <= maxval else {
                    throw .malformed(path: path, format: format, reason: "sample \(value) exceeds the maximum value \(maxval)")
                }
                values[i] = UInt16(value)
            }
        }
        // Scale to 0...255 (rounded); colour to luma with the BT.601 weights zbar's own converter uses.
        let scale = { (v: UInt16) -> Int in maxval == 255 ? Int(v) : (Int(v) * 255 + maxval / 2) / maxval }
        var pixels = [UInt8](repeating: 0, count: width * height)
        if channels == 1 {
            for i in 0..<pixels.count { pixels[i] = UInt8(min(255, scale(values[i]))) }
        } else {
            for i in 0..<pixels.count {
                let r = scale(values[3 * i]), g = scale(values[3 * i + 1]), b = scale(values[3 * i + 2])
                pixels[i] = UInt8(min(255, (77 * r + 150 * g + 29 * b + 128) >> 8))
            }
        }
        return GrayFrame(unchecked: width, height: height, pixels: pixels)
    }

    struct Reader {
        let bytes: [UInt8]
        var index: Int

        static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
        }

        /// The next decimal number, skipping whitespace and comments; nil at the end or on a non-digit.
        mutating func number(skipComments: Bool) -> Int? {
            while index < bytes.count {
                if Self.isSpace(bytes[index]) {
                    index += 1
                } else if skipComments && bytes[index] == UInt8(ascii: "#") {
                    while index < bytes.count && bytes[index] != 0x0A && bytes[index] != 0x0D { index += 1 }
                } else {
                    break
                }
            }
            var value = 0, digits = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                digits += 1
                index += 1
                if value > 1 << 40 { return nil }
            }
            return digits > 0 ? value : nil
        }
    }
}

/// PNG through libpng's simplified API, which reports errors in a message instead of longjmp.
enum PNG {
    static func decode(_ bytes: [UInt8], path: String) throws(ImageFileError) -> GrayFrame {
        // libpng keeps reading from the memory given to begin_read until finish_read: both happen
        // inside one withUnsafeBytes.
        let result: Result<GrayFrame, ImageFileError> = bytes.withUnsafeBytes { raw in
            var image = png_image()
            image.version = png_uint_32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                let message = Self.message(&image)
                png_image_free(&image)
                return .failure(.malformed(path: path, format: "PNG", reason: message))
            }
            let width = Int(image.width), height = Int(image.height)
            do throws(FrameError) {
                try GrayFrame.checkDimensions(width: width, height: height)
            } catch {
                png_image_free(&image)
                return .failure(.frame(path: path, error))
            }
            image.format = png_uint_32(PNG_FORMAT_GRAY)
            // Transparent parts become white, like the paper around a printed code.
            var white = png_color(red: 255, green: 255, blue: 255)
            var failure: String?
            let pixels = [UInt8](unsafeUninitializedCapacity: width * height) { buffer, count in
                buffer.initialize(repeating: 255)
                if png_image_finish_read(&image, &white, buffer.baseAddress, png_int_32(width), nil) == 0 {
                    failure = Self.message(&image)
                }
                count = width * height
            }
            // finish_read cleans up after itself, on failure too; png_image_free is harmless after it.
            png_image_free(&image)
            // libpng reads the rows in finish_read: a cut-off file fails here.
            if let failure { return .failure(.malformed(path: path, format: "PNG", reason: failure)) }
            return .success(GrayFrame(unchecked: width, height: height, pixels: pixels))
        }
        return try result.get()
    }

    private static func message(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let message = String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            return message.isEmpty ? "libpng could not read it" : message
        }
    }
}
