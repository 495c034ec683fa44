import CTurboJPEG

/// Why an MJPEG frame gave no picture: libjpeg-turbo's own message, or a size that is not the one
/// the camera agreed to. The frame is dropped, never half-decoded into the scanner.
public struct MJPEGError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
}

/// Decodes MJPEG camera frames (one JPEG each) to their luma alone: libjpeg-turbo, asked for
/// grayscale, entropy-decodes the colour planes but skips their inverse DCT, upsampling and colour
/// conversion, which is most of a colour decode. One libjpeg-turbo handle, owned here and freed in
/// `deinit`; not for two threads at once (the camera has one).
public final class MJPEGDecoder: @unchecked Sendable {
    private let handle: tjhandle

    public init() throws(MJPEGError) {
        guard let handle = tjInitDecompress() else { throw MJPEGError(description: "libjpeg-turbo could not start a decoder") }
        self.handle = handle
    }

    deinit { tjDestroy(handle) }

    /// The frame's luma. With `expected` (the size the camera agreed to), a frame of another
    /// size is rejected; any frame larger than `GrayFrame.maximumSide` is.
    public func luma(_ jpeg: UnsafeBufferPointer<UInt8>, expected: (width: Int, height: Int)? = nil) throws(MJPEGError) -> GrayFrame {
        guard let base = jpeg.baseAddress, jpeg.count > 0 else { throw MJPEGError(description: "empty MJPEG frame") }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(jpeg.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw failure("MJPEG frame header")
        }
        let side = 1...GrayFrame.maximumSide
        guard side.contains(Int(width)), side.contains(Int(height)) else {
            throw MJPEGError(description: "MJPEG frame of \(width)x\(height): rejected")
        }
        if let expected, expected.width != Int(width) || expected.height != Int(height) {
            throw MJPEGError(description: "MJPEG frame of \(width)x\(height), \(expected.width)x\(expected.height) agreed: rejected")
        }
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height))
        let result = pixels.withUnsafeMutableBufferPointer { out in
            tjDecompress2(handle, base, UInt(jpeg.count), out.baseAddress, width, width, height, Int32(TJPF_GRAY.rawValue), 0)
        }
        // A warning (a frame cut short by the USB link, padded by libjpeg-turbo) is still a wrong picture.
        guard result == 0 else { throw failure("MJPEG frame") }
        return GrayFrame(unchecked: Int(width), height: Int(height), pixels: pixels)
    }

    public func luma(_ jpeg: [UInt8], expected: (width: Int, height: Int)? = nil) throws(MJPEGError) -> GrayFrame {
        try jpeg.withUnsafeBufferPointer { buffer throws(MJPEGError) in try luma(buffer, expected: expected) }
    }

    private func failure(_ what: String) -> MJPEGError {
        MJPEGError(description: "\(what) rejected: \(String(cString: tjGetErrorStr2(handle)))")
    }
}
