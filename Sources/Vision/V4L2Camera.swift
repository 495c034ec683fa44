import CV4L2
import Foundation

/// A Video4Linux2 capture device (/dev/videoN) as a frame source: memory-mapped streaming, 8-bit
/// grey if the camera offers it, else YUYV (its luma is used). Each frame's byte count is checked
/// against the agreed format before it becomes a `GrayFrame`; a short frame is rejected, never
/// decoded. The ioctls live in Sources/CV4L2.
public final class V4L2Camera: FrameSource {
    public let name: String
    public let path: String
    public let width: Int
    public let height: Int
    private let bytesPerLine: Int
    private let yuyv: Bool
    private var handle: OpaquePointer?
    private var buffer: [UInt8]

    /// How long `next` waits for the camera before it reports `.nothing`.
    public static let timeoutMilliseconds: Int32 = 250

    public init(path: String, width: Int = 1280, height: Int = 720, fps: Double = 15) throws(FrameSourceError) {
        var camera: OpaquePointer?
        var format = kiosk_v4l2_format()
        var stage: UnsafePointer<CChar>?
        let result = kiosk_v4l2_open(path, UInt32(max(1, width)), UInt32(max(1, height)), UInt32(max(0, fps.rounded())),
                                     &camera, &format, &stage)
        guard result == 0, let camera else {
            throw Self.error(path: path, code: -result, stage: stage.map { String(cString: $0) } ?? "open")
        }
        self.path = path
        handle = camera
        self.width = Int(format.width)
        self.height = Int(format.height)
        yuyv = format.pixel_format == KIOSK_V4L2_YUYV
        let minimumLine = self.width * (yuyv ? 2 : 1)
        bytesPerLine = max(Int(format.bytes_per_line), minimumLine)
        buffer = [UInt8](repeating: 0, count: max(Int(format.size_image), bytesPerLine * self.height))
        name = "v4l2 \(path) \(self.width)x\(self.height) \(yuyv ? "YUYV" : "GREY")"
        // The agreed size must make sense before any frame is trusted.
        do { try GrayFrame.checkDimensions(width: self.width, height: self.height) } catch {
            kiosk_v4l2_close(camera)
            handle = nil
            throw .failed("\(path): \(error)")
        }
    }

    deinit {
        close()
    }

    public func next() throws(FrameSourceError) -> FrameSourceEvent {
        guard let handle else { return .end }
        var used = 0
        var stage: UnsafePointer<CChar>?
        let capacity = buffer.count
        let result = buffer.withUnsafeMutableBufferPointer { out in
            kiosk_v4l2_read(handle, Self.timeoutMilliseconds, out.baseAddress, capacity, &used, &stage)
        }
        if result < 0 {
            throw Self.error(path: path, code: -result, stage: stage.map { String(cString: $0) } ?? "read")
        }
        if result == 0 { return .nothing }
        let needed = bytesPerLine * height
        guard used >= needed, used <= capacity else {
            throw .frameRejected("\(path): frame of \(used) bytes, \(needed) expected for \(width)x\(height): rejected")
        }
        do {
            let bytes = buffer[0..<needed]
            if yuyv {
                return .frame(try GrayFrame.yuyv(width: width, height: height, bytesPerLine: bytesPerLine, bytes: bytes))
            }
            return .frame(try GrayFrame(width: width, height: height, bytesPerLine: bytesPerLine, bytes: bytes))
        } catch {
            throw .frameRejected("\(path): \(error)")
        }
    }

    public func close() {
        if let handle { kiosk_v4l2_close(handle) }
        handle = nil
    }

    static func error(path: String, code: Int32, stage: String) -> FrameSourceError {
        let reason = String(cString: strerror(code))
        switch code {
        case ENOENT:
            return .missing("no camera at \(path)")
        case ENODEV, ENXIO:
            return .missing("camera \(path) is not a capture device or was unplugged (\(stage): \(reason))")
        case EACCES, EPERM:
            return .failed("camera \(path): permission denied (the kiosk user needs the video group)")
        case EBUSY:
            return .failed("camera \(path) is in use by another program (\(stage): \(reason))")
        default:
            return .failed("camera \(path): \(stage): \(reason)")
        }
    }
}
