/// Why a PGM file could not be read.
public enum PGMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not start with "P5" (binary) or "P2" (plain text).
    case notPGM
    /// A header field (width, height or maxval) is missing or not a number.
    case malformedHeader(String)
    /// Width or height is zero or the image is larger than `MonochromeImage.maximumPixels`.
    case invalidSize(width: Int, height: Int)
    /// Only 8-bit samples (maxval 1...255) are supported; 16-bit files are refused.
    case unsupportedMaxval(Int)
    /// The file ends before all samples were read.
    case truncated(expected: Int, actual: Int)
    /// A sample is not a number or exceeds maxval.
    case badSample(index: Int)

    public var description: String {
        switch self {
        case .notPGM: return "not a PGM file (expected P5 or P2)"
        case .malformedHeader(let field): return "malformed PGM header: bad or missing \(field)"
        case .invalidSize(let width, let height): return "unsupported PGM size \(width)x\(height)"
        case .unsupportedMaxval(let maxval): return "unsupported PGM maxval \(maxval) (only 1...255)"
        case .truncated(let expected, let actual): return "PGM truncated: \(actual) of \(expected) samples"
        case .badSample(let index): return "PGM sample \(index) is not a number within maxval"
        }
    }
}

/// Netpbm graymaps, the format of the receipt logo (a pure module has no PNG decoder):
/// binary P5 and plain P2, 8-bit. Samples are scaled to 0...255, 0 = black.
public enum PGM {
    public static func parse(_ bytes: [UInt8]) throws(PGMError) -> (gray: [UInt8], width: Int, height: Int) {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "5") || bytes[1] == UInt8(ascii: "2") else {
            throw .notPGM
        }
        let binary = bytes[1] == UInt8(ascii: "5")
        var reader = Reader(bytes: bytes, offset: 2)
        // The magic number must be followed by whitespace ("P55" is not a PGM).
        guard reader.atWhitespaceOrComment else { throw .notPGM }
        guard let width = reader.number() else { throw .malformedHeader("width") }
        guard let height = reader.number() else { throw .malformedHeader("height") }
        guard let maxval = reader.number() else { throw .malformedHeader("maxval") }
        guard width > 0, height > 0, width <= MonochromeImage.maximumPixels / height else {
            throw .invalidSize(width: width, height: height)
        }
        guard maxval > 0, maxval <= 255 else { throw .unsupportedMaxval(maxval) }
        let count = width * height

        var samples: [UInt8] = []
        samples.reserveCapacity(count)
        if binary {
            // Exactly one whitespace byte separates maxval from the raster.
            guard reader.offset < bytes.count, Reader.isWhitespace(bytes[reader.offset]) else {
                throw bytes.count <= reader.offset ? .truncated(expected: count, actual: 0) : .malformedHeader("maxval")
            }
            let start = reader.offset + 1
            let available = bytes.count - start
            guard available >= count else { throw .truncated(expected: count, actual: available) }
            for index in 0..<count {
                let sample = bytes[start + index]
                guard Int(sample) <= maxval else { throw .badSample(index: index) }
                samples.append(sample)
            }
        } else {
            for index in 0..<count {
                reader.skipSeparators()
                guard !reader.atEnd else { throw .truncated(expected: count, actual: index) }
                guard let sample = reader.number(), sample <= maxval else { throw .badSample(index: index) }
                samples.append(UInt8(sample))
            }
        }
        if maxval != 255 {
            samples = samples.map { UInt8((Int($0) * 255 + maxval / 2) / maxval) }
        }
        return (samples, width, height)
    }

    /// Header tokens: decimal numbers between whitespace and "#" comments (which run to the
    /// end of the line).
    private struct Reader {
        let bytes: [UInt8]
        var offset: Int

        var atEnd: Bool { offset >= bytes.count }

        var atWhitespaceOrComment: Bool {
            !atEnd && (Self.isWhitespace(bytes[offset]) || bytes[offset] == UInt8(ascii: "#"))
        }

        static func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || (0x09...0x0D).contains(byte)
        }

        mutating func skipSeparators() {
            while !atEnd {
                if Self.isWhitespace(bytes[offset]) {
                    offset += 1
                } else if bytes[offset] == UInt8(ascii: "#") {
                    while !atEnd, bytes[offset] != 0x0A, bytes[offset] != 0x0D { offset += 1 }
                } else {
                    return
                }
            }
        }

        /// The next decimal number, or nil if there is none, it is followed by something other
        /// than a separator, or it has more than 9 digits.
        mutating func number() -> Int? {
            skipSeparators()
            var value = 0, digits = 0
            while !atEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
                value = value * 10 + Int(bytes[offset] - UInt8(ascii: "0"))
                digits += 1
                offset += 1
                if digits > 9 { return nil }
            }
            guard digits > 0, atEnd || atWhitespaceOrComment else { return nil }
            return value
        }
    }
}
