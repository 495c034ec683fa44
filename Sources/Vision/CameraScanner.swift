import Peripherals
import Foundation
import Synchronization

/// What the lane should know about its camera, for the device status.
public enum CameraStatus: Sendable, Hashable {
    /// Frames are coming from this source (its name).
    case running(String)
    /// The configured device or folder is not there; the lane carries on and the camera keeps looking.
    case missing(String)
    /// The camera failed; it is reopened after a pause.
    case failed(String)
    /// One frame was unusable (wrong size, unreadable file) and was skipped.
    case frameRejected(String)
    /// A finite frame sequence was played to its end.
    case finished
}

/// Everything the camera scanner needs to know.
public struct CameraSettings: Sendable, Hashable {
    public var source: CameraSource
    /// Frames per second asked of a camera; the pace of a frames folder.
    public var fps: Double
    /// The frame size asked of a camera (it may pick the nearest it has).
    public var width: Int
    public var height: Int
    public var decoder: DecoderSettings
    public var rules: ConfirmationRules
    /// How long to wait before looking again for a missing or failed camera.
    public var retryInterval: Duration

    public init(source: CameraSource, fps: Double = 15, width: Int = 1280, height: Int = 720,
                decoder: DecoderSettings = DecoderSettings(), rules: ConfirmationRules? = nil,
                retryInterval: Duration = .seconds(5)) {
        self.source = source
        self.fps = fps
        self.width = width
        self.height = height
        self.decoder = decoder
        self.rules = rules ?? .forFrameRate(fps)
        self.retryInterval = retryInterval
    }
}

/// The camera as one of the lane's barcode scanners: frames from the configured source are decoded
/// by libzbar on a thread of their own (one zbar scanner for that thread), confirmed and
/// de-duplicated by `ScanConfirmer`, and each confirmed code is delivered like a USB scanner's:
/// a `ScannedCode` with its AIM symbology identifier and source "camera".
///
/// `run` never fails because of the camera: a missing or failing device is reported through
/// `status` and looked for again every `retryInterval`, until the task is cancelled. It returns
/// when cancelled, or when a finite source (a list of files) has been played to the end.
public final class CameraScanner: BarcodeScanner {
    public let name: String
    public let settings: CameraSettings
    private let status: @Sendable (CameraStatus) async -> Void

    public init(settings: CameraSettings, status: @escaping @Sendable (CameraStatus) async -> Void = { _ in }) {
        self.settings = settings
        self.status = status
        name = "camera \(settings.source)"
    }

    public func run(deliver: @escaping @Sendable (ScannedCode) async -> ScanOutcome) async throws {
        while !Task.isCancelled {
            let (events, sink) = AsyncStream.makeStream(of: WorkerEvent.self, bufferingPolicy: .unbounded)
            let stop = StopFlag()
            sink.onTermination = { _ in stop.set() }
            Self.startWorker(settings: settings, stop: stop, events: sink)
            var ending: FrameSourceError?? = nil
            await withTaskCancellationHandler {
                for await event in events {
                    switch event {
                    case .opened(let source): await status(.running(source))
                    case .scan(let code): _ = await deliver(code)
                    case .rejected(let message): await status(.frameRejected(message))
                    case .stopped(let error): ending = .some(error)
                    }
                }
            } onCancel: {
                stop.set()
            }
            stop.set()
            if Task.isCancelled { return }
            switch ending {
            case .some(nil):
                await status(.finished)
                return
            case .some(.missing(let message)?):
                await status(.missing(message))
            case .some(let error?):
                await status(.failed(error.description))
            case nil:
                await status(.failed("the camera thread stopped"))
            }
            do { try await Task.sleep(for: settings.retryInterval) } catch { return }
        }
    }

    enum WorkerEvent: Sendable {
        case opened(String)
        case scan(ScannedCode)
        case rejected(String)
        /// The source ended (nil) or failed.
        case stopped(FrameSourceError?)
    }

    final class StopFlag: Sendable {
        private let flag = Atomic<Bool>(false)
        func set() { flag.store(true, ordering: .relaxed) }
        var isSet: Bool { flag.load(ordering: .relaxed) }
    }

    /// The decoding thread: opens the source, then frame by frame decodes, confirms and reports,
    /// until told to stop or the source ends or fails. The decoder and the source live and die on it.
    static func startWorker(settings: CameraSettings, stop: StopFlag, events: AsyncStream<WorkerEvent>.Continuation) {
        let thread = Thread {
            defer { events.finish() }
            let decoder: FrameDecoder
            do throws(DecoderError) { decoder = try FrameDecoder(settings: settings.decoder) } catch {
                events.yield(.stopped(.failed(error.description)))
                return
            }
            let source: any FrameSource
            do throws(FrameSourceError) {
                source = try settings.source.open(width: settings.width, height: settings.height, fps: settings.fps)
            } catch {
                events.yield(.stopped(error))
                return
            }
            defer { source.close() }
            events.yield(.opened(source.name))
            var confirmer = ScanConfirmer(rules: settings.rules)
            while !stop.isSet {
                let event: FrameSourceEvent
                do throws(FrameSourceError) {
                    event = try source.next()
                } catch .frameRejected(let message) {
                    // A bad frame is no frame: it neither confirms nor releases anything.
                    events.yield(.rejected(message))
                    continue
                } catch {
                    events.yield(.stopped(error))
                    return
                }
                switch event {
                case .frame(let frame):
                    for reading in confirmer.observe(decoder.decode(frame)) {
                        events.yield(.scan(ScannedCode(data: reading.data, symbology: reading.aimIdentifier, source: "camera")))
                    }
                case .nothing:
                    _ = confirmer.observe([SymbolReading]())
                case .end:
                    events.yield(.stopped(nil))
                    return
                }
            }
        }
        thread.name = "camera"
        thread.start()
    }
}
