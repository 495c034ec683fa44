import Synchronization
@testable import Vision

// The test frames (TestFrames, ManifestEntry), hang guards (within, eventually) and the
// repository root are KioskTestSupport's.

/// Collects what a scanner delivers and the statuses it reports.
final class CameraLog: Sendable {
    private let state = Mutex<(codes: [ScannedCodeRecord], statuses: [CameraStatus])>(([], []))

    func deliver(_ code: ScannedCodeRecord) { state.withLock { $0.codes.append(code) } }
    func report(_ status: CameraStatus) { state.withLock { $0.statuses.append(status) } }
    var codes: [ScannedCodeRecord] { state.withLock { $0.codes } }
    var statuses: [CameraStatus] { state.withLock { $0.statuses } }
}

struct ScannedCodeRecord: Sendable, Equatable {
    let data: String
    let symbology: String?
    let source: String
}

/// A gray frame with one value everywhere.
func flatFrame(width: Int, height: Int, value: UInt8) -> GrayFrame {
    try! GrayFrame(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
}
