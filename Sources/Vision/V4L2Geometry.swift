/// The frame layout a V4L2 driver agreed to, checked before the kiosk allocates or maps anything
/// for it. The numbers come from the driver: a buggy or hostile one can report a width and
/// height that overflow when multiplied, rows shorter than a row of pixels, or an image size of
/// gigabytes. Pure: the camera calls it between setting the format and requesting buffers.
public struct V4L2Geometry: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// Bytes from one row to the next (at least a row of pixels; the rest is padding).
    public let bytesPerLine: Int
    /// The bytes a frame's rows take: bytesPerLine * height.
    public let frameBytes: Int
    /// What a frame's buffer holds: the driver's image size, which may add a little to frameBytes.
    public let imageBytes: Int
    public let yuyv: Bool
    /// Compressed frames (one JPEG each): `imageBytes` is the largest a frame may be, and each is
    /// as long as the driver says it filled.
    public var mjpeg = false

    /// Padding beyond a row of pixels (drivers align rows to at most a page).
    public static let maximumRowPadding = 4096
    /// No camera a lane uses sends more per frame (8K YUYV is 66 MB): a larger size is a driver's bug.
    public static let maximumImageBytes = 128 << 20

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case badDimensions(width: UInt32, height: UInt32)
        case oddWidth(UInt32)
        case rowTooShort(bytesPerLine: UInt32, minimum: Int)
        case rowTooLong(bytesPerLine: UInt32, minimum: Int)
        case imageTooSmall(sizeImage: UInt32, needed: Int)
        case imageTooLarge(sizeImage: UInt32, needed: Int)

        public var description: String {
            let prefix = "the camera driver reported an unusable frame format: "
            switch self {
            case .badDimensions(let width, let height):
                return prefix + "\(width)x\(height) (each side must be 1 to \(GrayFrame.maximumSide) pixels)"
            case .oddWidth(let width):
                return prefix + "YUYV \(width) pixels wide (YUYV packs pixels in pairs)"
            case .rowTooShort(let bytesPerLine, let minimum):
                return prefix + "rows \(bytesPerLine) bytes apart cannot hold a row of \(minimum) bytes"
            case .rowTooLong(let bytesPerLine, let minimum):
                return prefix + "rows \(bytesPerLine) bytes apart for a row of \(minimum) bytes (more than \(maximumRowPadding) bytes of padding)"
            case .imageTooSmall(let sizeImage, let needed):
                return prefix + "an image of \(sizeImage) bytes cannot hold \(needed) bytes of rows"
            case .imageTooLarge(let sizeImage, let needed):
                return prefix + "an image of \(sizeImage) bytes for \(needed) bytes of rows (at most twice that, "
                    + "and \(maximumImageBytes >> 20) MB)"
            }
        }
    }

    /// An MJPEG format: sides as for raw frames; the image size is the driver's bound on one
    /// compressed frame (zero: as large as a GREY frame).
    public static func mjpeg(width: UInt32, height: UInt32, sizeImage: UInt32) throws(Problem) -> V4L2Geometry {
        let side = 1...UInt32(GrayFrame.maximumSide)
        guard side.contains(width), side.contains(height) else { throw .badDimensions(width: width, height: height) }
        let pixels = Int(width) * Int(height)
        let image = sizeImage == 0 ? pixels : Int(sizeImage)
        guard image <= maximumImageBytes else { throw .imageTooLarge(sizeImage: sizeImage, needed: pixels) }
        var geometry = V4L2Geometry(width: Int(width), height: Int(height), bytesPerLine: Int(width), frameBytes: 0,
                                    imageBytes: image, yuyv: false)
        geometry.mjpeg = true
        return geometry
    }

    /// Checks what the driver reported. A zero `bytesPerLine` or `sizeImage` means "no padding"
    /// (the V4L2 default), anything else must be consistent with the width and height.
    public static func check(width: UInt32, height: UInt32, bytesPerLine: UInt32, sizeImage: UInt32,
                             yuyv: Bool) throws(Problem) -> V4L2Geometry {
        // Sides first: bounded, so every product below fits an Int.
        let side = 1...UInt32(GrayFrame.maximumSide)
        guard side.contains(width), side.contains(height) else { throw .badDimensions(width: width, height: height) }
        guard !yuyv || width % 2 == 0 else { throw .oddWidth(width) }
        let row = Int(width) * (yuyv ? 2 : 1)
        let stride = bytesPerLine == 0 ? row : Int(bytesPerLine)
        guard stride >= row else { throw .rowTooShort(bytesPerLine: bytesPerLine, minimum: row) }
        guard stride - row <= maximumRowPadding else { throw .rowTooLong(bytesPerLine: bytesPerLine, minimum: row) }
        let frame = stride * Int(height)
        let image = sizeImage == 0 ? frame : Int(sizeImage)
        guard image >= frame else { throw .imageTooSmall(sizeImage: sizeImage, needed: frame) }
        // Beyond the rows an image may carry a little (alignment, a trailer), never as much again.
        guard image <= 2 * frame, image <= maximumImageBytes else { throw .imageTooLarge(sizeImage: sizeImage, needed: frame) }
        return V4L2Geometry(width: Int(width), height: Int(height), bytesPerLine: stride, frameBytes: frame,
                            imageBytes: image, yuyv: yuyv)
    }
}
