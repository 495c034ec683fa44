import CV4L2
import Foundation

/// A Video4Linux2 capture device (/dev/videoN) as a frame source: memory-mapped streaming, 8-bit
/// grey if the camera offers it, else YUYV (its luma is used), else (or when YUYV only comes
/// smaller than asked) MJPEG, of which only the luma is decoded (MJPEGDecoder). Each frame's byte count is checked
/// against the agreed format before it becomes a `GrayFrame`; a short frame is rejected, never
/// decoded. The ioctls live in Sources/CV4L2.
public final class V4L2Camera: FrameSource {
    public let name: String
    public let path: String
    public let geometry: V4L2Geometry
    public var width: Int { geometry.width }
    public var height: Int { geometry.height }
    private var handle: OpaquePointer?
    /// MJPEG cameras only.
    private let jpeg: MJPEGDecoder?
    /// A buffer the driver would not take back: the stream is broken, and the next read says so.
    private var requeueFailure: FrameSourceError?

    /// How long `next` waits for the camera before it reports `.nothing`.
    public static let timeoutMilliseconds: Int32 = 250

    public init(path: String, width: Int = 1280, height: Int = 720, fps: Double = 15) throws(FrameSourceError) {
        var camera: OpaquePointer?
        var format = kiosk_v4l2_format()
        var stage: UnsafePointer<CChar>?
        let result = kiosk_v4l2_open(path, UInt32(clamping: max(1, width)), UInt32(clamping: max(1, height)), &camera, &format, &stage)
        guard result == 0, let camera else {
            throw Self.error(path: path, code: -result, stage: stage.map { String(cString: $0) } ?? "open")
        }
        // What the driver agreed to must make sense before a buffer is requested or mapped for it.
        do {
            if format.pixel_format == KIOSK_V4L2_MJPEG {
                geometry = try V4L2Geometry.mjpeg(width: format.width, height: format.height, sizeImage: format.size_image)
                jpeg = try MJPEGDecoder()
            } else {
                geometry = try V4L2Geometry.check(width: format.width, height: format.height, bytesPerLine: format.bytes_per_line,
                                                  sizeImage: format.size_image, yuyv: format.pixel_format == KIOSK_V4L2_YUYV)
                jpeg = nil
            }
        } catch {
            kiosk_v4l2_close(camera)
            throw .failed("\(path): \(error)")
        }
        let started = kiosk_v4l2_start(camera, UInt32(clamping: Int(max(0, fps.rounded()))), &stage)
        guard started == 0 else {
            let failure = Self.error(path: path, code: -started, stage: stage.map { String(cString: $0) } ?? "start")
            kiosk_v4l2_close(camera)
            throw failure
        }
        self.path = path
        handle = camera
        name = "v4l2 \(path) \(geometry.width)x\(geometry.height) \(geometry.mjpeg ? "MJPEG" : geometry.yuyv ? "YUYV" : "GREY")"
    }

    deinit {
        close()
    }

    public func next() throws(FrameSourceError) -> FrameSourceEvent {
        guard let handle else { return .end }
        if let requeueFailure { throw requeueFailure }
        var stage: UnsafePointer<CChar>?
        func failure(_ code: Int32) -> FrameSourceError {
            Self.error(path: path, code: -code, stage: stage.map { String(cString: $0) } ?? "read")
        }
        let ready = kiosk_v4l2_wait(handle, Self.timeoutMilliseconds, &stage)
        guard ready > 0 else { if ready == 0 { return .nothing } else { throw failure(ready) } }

        // Take every buffer that is ready and keep the newest (a slow decoder never works on stale
        // frames). Each one dequeued is given back: the older ones at once, the newest by the defer,
        // on every path out, errors included.
        var newest: kiosk_v4l2_frame?
        defer {
            if var newest {
                let requeued = kiosk_v4l2_requeue(handle, &newest, &stage)
                if requeued != 0 { requeueFailure = failure(requeued) }
            }
        }
        while true {
            var frame = kiosk_v4l2_frame()
            let dequeued = kiosk_v4l2_dequeue(handle, &frame, &stage)
            if dequeued == 0 { break }
            if dequeued < 0 { throw failure(dequeued) }
            if var older = newest {
                newest = frame
                let requeued = kiosk_v4l2_requeue(handle, &older, &stage)
                if requeued != 0 { throw failure(requeued) }
            } else {
                newest = frame
            }
        }
        guard let frame = newest else { return .nothing }
        if let jpeg { return .frame(try Self.mjpegFrame(frame, geometry: geometry, decoder: jpeg, path: path)) }
        return .frame(try Self.grayFrame(frame, geometry: geometry, path: path))
    }

    /// The luma of a dequeued buffer, copied out of the driver's memory; a short frame is rejected.
    static func grayFrame(_ frame: kiosk_v4l2_frame, geometry: V4L2Geometry, path: String) throws(FrameSourceError) -> GrayFrame {
        guard frame.used >= geometry.frameBytes, frame.reported <= geometry.imageBytes, let start = frame.bytes else {
            throw .frameRejected("\(path): frame of \(frame.reported) bytes, \(geometry.frameBytes) expected for "
                                 + "\(geometry.width)x\(geometry.height): rejected")
        }
        let bytes = UnsafeBufferPointer(start: start, count: geometry.frameBytes)
        do {
            if geometry.yuyv {
                return try GrayFrame.yuyv(width: geometry.width, height: geometry.height, bytesPerLine: geometry.bytesPerLine, bytes: bytes)
            }
            return try GrayFrame(width: geometry.width, height: geometry.height, bytesPerLine: geometry.bytesPerLine, bytes: bytes)
        } catch {
            throw .frameRejected("\(path): \(error)")
        }
    }

    /// The luma of a dequeued MJPEG buffer, decoded straight from the driver's memory.
    static func mjpegFrame(_ frame: kiosk_v4l2_frame, geometry: V4L2Geometry, decoder: MJPEGDecoder,
                           path: String) throws(FrameSourceError) -> GrayFrame {
        guard frame.used > 0, frame.reported <= geometry.imageBytes, let start = frame.bytes else {
            throw .frameRejected("\(path): MJPEG frame of \(frame.reported) bytes (at most \(geometry.imageBytes)): rejected")
        }
        do {
            return try decoder.luma(UnsafeBufferPointer(start: start, count: frame.used), expected: (geometry.width, geometry.height))
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
