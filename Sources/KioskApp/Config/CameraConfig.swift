import Foundation
import Logging
import Peripherals
import ServiceLifecycle
import Vision

/// The `camera` setting: a camera that reads barcodes through libzbar. Without it the lane has no
/// camera (its device status says "none"). Like the rest of the settings file, unknown fields are
/// an error.
///
///     "camera": {"source": "/dev/video0", "fps": 15, "symbologies": ["ean13", "upca", "qrcode"]}
///
/// `source` is a V4L2 device (/dev/videoN) or a folder of PGM/PPM/PNG frames, played in name order
/// and then watched for new ones (demos and tests: drop a frame in and the camera "sees" it).
public struct CameraConfig: Codable, Sendable, Equatable {
    public var source: String
    /// Frames per second asked of the camera; the pace of a frames folder.
    public var fps = 15.0
    /// The frame size asked of a camera (it may choose the nearest it offers).
    public var width = 1280
    public var height = 720
    /// zbar symbologies by name (see `Symbology`); default the kiosk's: EAN-13, EAN-8, UPC-A, Code 128, QR.
    public var symbologies: [String] = Symbology.kioskDefault.sorted().map(\.rawValue)
    /// zbar scans every `density`-th row and column.
    public var density = 2
    /// 3x3 smoothing before zbar: faster and more reads on a noisy sensor.
    public var smoothing = true
    /// zbar scans only the box around the 8x8 blocks with edges (`ScanArea`): a mean gradient of
    /// twice the frame's noise, at most this many grey levels. Flat parts of the view can hold no
    /// code. 0 scans the whole frame.
    public var edgeThreshold = ScanArea().threshold
    /// Only this part of the frame is scanned: [x, y, width, height] in pixels.
    public var regionOfInterest: [Int]?
    /// 1 or 2 (each 2x2 block averaged first), for cameras with more pixels than codes need.
    public var downscale = 1
    /// Consecutive frames a 1D code must be read alike before it counts (QR counts at once).
    public var confirmFrames = 2
    /// Frames without a code before the same code counts again; default half a second of frames.
    public var releaseFrames: Int?

    public init(source: String) {
        self.source = source
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case source, fps, width, height, symbologies, density, smoothing, edgeThreshold, regionOfInterest, downscale
        case confirmFrames, releaseFrames
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        // Unknown fields are refused here too: a mistyped "symbologys" must not pass unnoticed.
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "camera has an unknown setting \"\(unknown)\""))
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CameraConfig(source: "")
        source = try c.decode(String.self, forKey: .source)
        fps = try c.decodeIfPresent(Double.self, forKey: .fps) ?? defaults.fps
        width = try c.decodeIfPresent(Int.self, forKey: .width) ?? defaults.width
        height = try c.decodeIfPresent(Int.self, forKey: .height) ?? defaults.height
        symbologies = try c.decodeIfPresent([String].self, forKey: .symbologies) ?? defaults.symbologies
        density = try c.decodeIfPresent(Int.self, forKey: .density) ?? defaults.density
        smoothing = try c.decodeIfPresent(Bool.self, forKey: .smoothing) ?? defaults.smoothing
        edgeThreshold = try c.decodeIfPresent(Int.self, forKey: .edgeThreshold) ?? defaults.edgeThreshold
        regionOfInterest = try c.decodeIfPresent([Int].self, forKey: .regionOfInterest)
        downscale = try c.decodeIfPresent(Int.self, forKey: .downscale) ?? defaults.downscale
        confirmFrames = try c.decodeIfPresent(Int.self, forKey: .confirmFrames) ?? defaults.confirmFrames
        releaseFrames = try c.decodeIfPresent(Int.self, forKey: .releaseFrames)
    }

    public func validate(source file: String) throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw KioskSetupError.config(file, "camera." + message) }
        }
        try check(!source.isEmpty, "source must name a camera (/dev/videoN) or a folder of frames")
        try check(fps >= 1 && fps <= 120, "fps must be 1...120")
        try check((16...GrayFrame.maximumSide).contains(width) && (16...GrayFrame.maximumSide).contains(height),
                  "width and height must be 16...\(GrayFrame.maximumSide)")
        do { _ = try Symbology.parse(symbologies) } catch { try check(false, "symbologies: \(error)") }
        try check((1...8).contains(density), "density must be 1...8")
        try check((0...255).contains(edgeThreshold), "edgeThreshold must be 0...255 (0: scan the whole frame)")
        if let roi = regionOfInterest {
            try check(roi.count == 4 && roi[0] >= 0 && roi[1] >= 0 && roi[2] > 0 && roi[3] > 0,
                      "regionOfInterest must be [x, y, width, height] with x, y >= 0 and a positive size")
        }
        try check(downscale == 1 || downscale == 2, "downscale must be 1 or 2")
        try check((1...30).contains(confirmFrames), "confirmFrames must be 1...30")
        if let releaseFrames { try check((1...3600).contains(releaseFrames), "releaseFrames must be 1...3600") }
    }

    /// The scanner's settings (call after `validate`).
    public func settings() throws -> CameraSettings {
        let roi = regionOfInterest.flatMap { $0.count == 4 ? Region(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) : nil }
        let decoder = DecoderSettings(symbologies: try Symbology.parse(symbologies), density: density,
                                      preprocessing: Preprocessing(smoothing: smoothing, regionOfInterest: roi,
                                                                   downscale: downscale == 2 ? 2 : 1),
                                      scanArea: edgeThreshold > 0 ? ScanArea(threshold: edgeThreshold) : nil)
        var rules = ConfirmationRules.forFrameRate(fps, linearFrames: confirmFrames)
        if let releaseFrames { rules.releaseFrames = releaseFrames }
        return CameraSettings(source: .parse(source), fps: fps, width: width, height: height, decoder: decoder, rules: rules)
    }
}

extension Kiosk {
    /// The camera's scanner service when one is configured; none otherwise (the lane runs without
    /// a camera and its device status says "none").
    static func cameraServices(_ config: CameraConfig?, runtime: LaneRuntime, logger: Logger) -> [any Service] {
        let logger = logger.subsystem(.camera)
        guard let config else {
            logger.info("no camera configured")
            return []
        }
        let settings: CameraSettings
        do { settings = try config.settings() } catch {
            // KioskConfig.load has validated the settings; this is for a config made in code.
            logger.error("camera not started", metadata: ["reason": "\(error)"])
            return []
        }
        let reporter = CameraStatusReporter(runtime: runtime, logger: logger)
        let scanner = CameraScanner(settings: settings) { status in await reporter.report(status) }
        let metrics = runtime.metrics
        return [ScannerService(scanner: scanner, runtime: runtime, outcomes: { metrics.cameraRead($0) })]
    }
}

/// Turns camera news into the lane's device status ("v4l2 /dev/video0 ...", "missing", "error")
/// and the log, once per change rather than once per retry or frame.
actor CameraStatusReporter {
    let runtime: LaneRuntime
    let logger: Logger
    private var last: DeviceState?
    private var rejectedFrames = 0

    init(runtime: LaneRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
    }

    func report(_ status: CameraStatus) async {
        let device: DeviceState
        switch status {
        case .running(let source):
            device = .running
            if last != device { logger.info("camera running", metadata: ["source": "\(source)"]) }
        case .missing(let message):
            device = .missing
            if last != device { logger.warning("camera missing; the lane runs without it and keeps looking", metadata: ["reason": "\(message)"]) }
        case .failed(let message):
            device = .error
            if last != device { logger.error("camera failed; retrying", metadata: ["reason": "\(message)"]) }
        case .finished:
            device = .stopped
            if last != device { logger.notice("camera frame sequence ended") }
        case .frameRejected(let message):
            // A bad frame now and then is noise; a stream of them is a camera problem worth seeing.
            rejectedFrames += 1
            runtime.metrics.cameraFrameRejected()
            if rejectedFrames == 1 || rejectedFrames % 100 == 0 {
                logger.warning("camera frame rejected", metadata: ["reason": "\(message)", "count": "\(rejectedFrames)"])
            }
            return
        }
        guard device != last else { return }
        last = device
        await runtime.setCameraStatus(device)
    }
}
