/// An 8-bit grayscale picture (zbar's Y800): exactly `width * height` bytes, row after row, top
/// row first. The size is checked when the frame is made, so nothing downstream (least of all
/// libzbar, which reads past a short buffer and crashes) ever sees a truncated frame.
public struct GrayFrame: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// The largest side accepted: well above any camera the kiosk uses, and small enough that
    /// `width * height` cannot overflow anything zbar does with it.
    public static let maximumSide = 16_384

    /// A frame from tightly packed gray bytes; throws unless `pixels.count == width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(FrameError) {
        try Self.checkDimensions(width: width, height: height)
        guard pixels.count == width * height else {
            throw .wrongSize(format: "Y800", width: width, height: height, expected: width * height, actual: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A frame from gray rows `bytesPerLine` apart (a camera's padded rows): `bytes` must hold
    /// exactly `bytesPerLine * height` bytes, with `bytesPerLine >= width`.
    public init(width: Int, height: Int, bytesPerLine: Int, bytes: some Collection<UInt8>) throws(FrameError) {
        try Self.checkDimensions(width: width, height: height)
        guard bytesPerLine >= width else { throw .badStride(bytesPerLine: bytesPerLine, minimum: width) }
        let expected = bytesPerLine * height
        guard bytes.count == expected else {
            throw .wrongSize(format: "Y800", width: width, height: height, expected: expected, actual: bytes.count)
        }
        if bytesPerLine == width {
            self.init(unchecked: width, height: height, pixels: Array(bytes))
            return
        }
        let source = Array(bytes)
        var pixels = [UInt8](repeating: 0, count: width * height)
        for row in 0..<height {
            pixels.replaceSubrange(row * width..<(row + 1) * width, with: source[row * bytesPerLine..<row * bytesPerLine + width])
        }
        self.init(unchecked: width, height: height, pixels: pixels)
    }

    /// The luma of a YUYV (YUY2, 4:2:2) frame: Y0 U Y1 V for every two pixels, rows `bytesPerLine`
    /// apart (default `2 * width`). `bytes` must hold exactly `bytesPerLine * height` bytes and
    /// the width must be even.
    public static func yuyv(width: Int, height: Int, bytesPerLine: Int? = nil,
                            bytes: some Collection<UInt8>) throws(FrameError) -> GrayFrame {
        try checkDimensions(width: width, height: height)
        guard width % 2 == 0 else { throw .oddWidth(width) }
        let stride = bytesPerLine ?? width * 2
        guard stride >= width * 2 else { throw .badStride(bytesPerLine: stride, minimum: width * 2) }
        let expected = stride * height
        guard bytes.count == expected else {
            throw .wrongSize(format: "YUYV", width: width, height: height, expected: expected, actual: bytes.count)
        }
        let source = Array(bytes)
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height) { out, count in
            source.withUnsafeBufferPointer { yuyv in
                for row in 0..<height {
                    let line = row * stride, first = row * width
                    for x in 0..<width { out[first + x] = yuyv[line + 2 * x] }
                }
            }
            count = width * height
        }
        return GrayFrame(unchecked: width, height: height, pixels: pixels)
    }

    /// For code in this module that has already made sure `pixels.count == width * height`.
    init(unchecked width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height && width > 0 && height > 0)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    static func checkDimensions(width: Int, height: Int) throws(FrameError) {
        guard (1...maximumSide).contains(width), (1...maximumSide).contains(height) else {
            throw .badDimensions(width: width, height: height)
        }
    }
}

public enum FrameError: Error, Equatable, CustomStringConvertible {
    case badDimensions(width: Int, height: Int)
    case wrongSize(format: String, width: Int, height: Int, expected: Int, actual: Int)
    case badStride(bytesPerLine: Int, minimum: Int)
    case oddWidth(Int)

    public var description: String {
        switch self {
        case .badDimensions(let width, let height):
            return "frame size \(width)x\(height) is not usable (each side must be 1 to \(GrayFrame.maximumSide) pixels)"
        case .wrongSize(let format, let width, let height, let expected, let actual):
            let what = actual < expected ? "truncated" : "too long"
            return "\(format) frame of \(width)x\(height) needs \(expected) bytes but has \(actual) (\(what)): rejected"
        case .badStride(let bytesPerLine, let minimum):
            return "frame rows \(bytesPerLine) bytes apart cannot hold a row of \(minimum) bytes"
        case .oddWidth(let width):
            return "YUYV frame width \(width) is odd (YUYV packs pixels in pairs)"
        }
    }
}
