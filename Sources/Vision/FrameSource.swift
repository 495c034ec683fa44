import Foundation

/// What a frame source gives on each call.
public enum FrameSourceEvent: Sendable {
    case frame(GrayFrame)
    /// A frame time passed without a picture (a watched folder with nothing new, a camera that
    /// did not deliver in time): counts as a frame with no code in view.
    case nothing
    /// A finite sequence has been played to the end.
    case end
}

public enum FrameSourceError: Error, Equatable, CustomStringConvertible {
    /// The device or folder is not there (the lane runs without the camera and keeps looking).
    case missing(String)
    /// The device is there but cannot be used, or stopped working.
    case failed(String)
    /// This one frame or file was bad; the source goes on with the next.
    case frameRejected(String)

    public var description: String {
        switch self {
        case .missing(let message), .failed(let message), .frameRejected(let message): return message
        }
    }
}

/// Frames from somewhere, one after another, at the source's own pace. `next` blocks until the
/// next frame is due (never much longer than a frame interval or a quarter of a second), so the
/// thread calling it can check for cancellation between calls. Not for sharing across threads.
public protocol FrameSource: AnyObject {
    /// For status and logs: "v4l2 /dev/video0 1280x720 YUYV", "frames /srv/demo".
    var name: String { get }
    func next() throws(FrameSourceError) -> FrameSourceEvent
    func close()
}

/// Where the camera's frames come from, as configured.
public enum CameraSource: Sendable, Hashable, CustomStringConvertible {
    /// A V4L2 capture device, /dev/videoN.
    case device(String)
    /// A folder of PGM/PPM/PNG frames played in name order, then watched for new ones.
    case directory(String)
    /// These files in this order, then the end (tests, `kiosk decode`).
    case files([String])

    /// "/dev/..." is a device; anything else a frames folder.
    public static func parse(_ text: String) -> CameraSource {
        text.hasPrefix("/dev/") ? .device(text) : .directory(text)
    }

    public var description: String {
        switch self {
        case .device(let path): return path
        case .directory(let path): return path
        case .files(let files): return "\(files.count) files"
        }
    }

    /// Opens the source. `width`/`height` are what a camera is asked for; `fps` paces file
    /// sources (0: as fast as they can be read) and is asked of a camera.
    public func open(width: Int = 1280, height: Int = 720, fps: Double) throws(FrameSourceError) -> any FrameSource {
        switch self {
        case .device(let path): return try V4L2Camera(path: path, width: width, height: height, fps: fps)
        case .directory(let path): return try ImageSequenceSource(directory: path, fps: fps, watch: true)
        case .files(let files): return ImageSequenceSource(files: files, fps: fps)
        }
    }
}

/// Image files as frames: a fixed list played once, or a folder played in name order and then
/// watched for new files (a demo or test drops a frame in, the "camera" sees it). Hidden files
/// and other extensions are ignored. Write new frames under another name and rename them in, so
/// that no half-written file is read.
public final class ImageSequenceSource: FrameSource {
    public let name: String
    private let directory: String?
    private var queue: [String]
    private var played = Set<String>()
    private let interval: Duration?
    private let clock = ContinuousClock()
    private var due: ContinuousClock.Instant?

    /// Plays `files` in order at `fps` (0: no pacing), then `.end`.
    public init(files: [String], fps: Double) {
        name = "frames (\(files.count) files)"
        directory = nil
        queue = files
        interval = fps > 0 ? .seconds(1 / fps) : nil
    }

    /// Plays the image files in `directory`, then (with `watch`) new ones as they appear, with
    /// `.nothing` at each frame time in between. Without `watch`, `.end` after the last.
    public init(directory: String, fps: Double, watch: Bool) throws(FrameSourceError) {
        name = "frames \(directory)"
        interval = fps > 0 ? .seconds(1 / fps) : nil
        let files = try Self.list(directory)
        queue = files
        played = Set(files)
        self.directory = watch ? directory : nil
    }

    public func next() throws(FrameSourceError) -> FrameSourceEvent {
        pace()
        if queue.isEmpty, let directory {
            let fresh = try Self.list(directory).filter { !played.contains($0) }
            played.formUnion(fresh)
            queue = fresh
        }
        guard !queue.isEmpty else { return directory == nil ? .end : .nothing }
        let file = queue.removeFirst()
        do {
            return .frame(try ImageFile.load(path: file))
        } catch {
            throw .frameRejected(error.description)
        }
    }

    public func close() {
        queue = []
    }

    /// Sleeps until the next frame is due. A reader slower than the rate is not made to catch up:
    /// like a camera, the source then simply runs at the reader's pace.
    private func pace() {
        guard let interval else { return }
        let now = clock.now
        if let due, due > now {
            let wait = (due - now).components
            Thread.sleep(forTimeInterval: Double(wait.seconds) + Double(wait.attoseconds) / 1e18)
            self.due = due + interval
        } else {
            due = now + interval
        }
    }

    static func list(_ directory: String) throws(FrameSourceError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw .missing("no frames folder at \(directory)")
        }
        guard isDirectory.boolValue else { throw .failed("\(directory) is not a folder of frames") }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw .failed("cannot list \(directory): \(ImageFile.reason(error))")
        }
        return names
            .filter { !$0.hasPrefix(".") && ImageFile.extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }
}
