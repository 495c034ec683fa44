import Foundation
import KioskTestSupport
import Peripherals
import Testing
@testable import Vision

/// The camera as a lane scanner, fed by frame files: what reaches the lane, and when.
@Suite struct CameraScannerTests {
    /// Runs a scanner over `files` (no pacing) until the sequence ends; returns what it delivered
    /// and reported.
    func play(_ files: [URL], rules: ConfirmationRules = ConfirmationRules(linearFrames: 2, releaseFrames: 3)) async throws
        -> CameraLog {
        let log = CameraLog()
        let scanner = CameraScanner(settings: CameraSettings(source: .files(files.map(\.path)), fps: 0, rules: rules)) { status in
            log.report(status)
        }
        try await within {
            try await scanner.run { code in
                log.deliver(ScannedCodeRecord(data: code.data, symbology: code.symbology, source: code.source))
                return .accepted
            }
        }
        return log
    }

    @Test func aHeldCodeIsOneScanAndShownAgainIsASecond() async throws {
        let ean = try TestFrames.entry("ean13", "640x480").file
        let empty = try TestFrames.entry("empty", "640x480").file
        // Empty, the item held for three frames, gone for three (releaseFrames), back for two.
        let log = try await play([empty, ean, ean, ean, empty, empty, empty, ean, ean])
        let expected = ScannedCodeRecord(data: "6907674936533", symbology: "]E0", source: "camera")
        #expect(log.codes == [expected, expected])
        #expect(log.statuses.first == .running("frames (9 files)"))
        #expect(log.statuses.last == .finished)
    }

    @Test func aSingleFrameOfALinearCodeIsNotAScanButAQRCodeIs() async throws {
        let ean = try TestFrames.entry("ean13", "1280x720").file
        let qr = try TestFrames.entry("qr-payment", "640x480")
        let empty = try TestFrames.entry("empty", "1280x720").file
        let log = try await play([ean, empty, qr.file, empty])
        #expect(log.codes == [ScannedCodeRecord(data: qr.data, symbology: "]Q1", source: "camera")])
        #expect(qr.data.count == 18)
    }

    @Test func gs1CodesKeepTheirIdentifier() async throws {
        let gs1 = try TestFrames.entry("gs1-128", "1280x720").file
        let log = try await play([gs1, gs1])
        #expect(log.codes == [ScannedCodeRecord(data: "01095011015300031725010110AB12", symbology: "]C1", source: "camera")])
    }

    @Test func aBadFrameIsReportedAndSkipped() async throws {
        let upc = try TestFrames.entry("upca", "640x480").file
        let folder = try temporaryDirectory("kiosk-bad-frame")
        defer { try? FileManager.default.removeItem(at: folder) }
        let truncated = folder.appendingPathComponent("truncated.pgm")
        try Data(Array("P5\n640 480\n255\n".utf8) + [UInt8](repeating: 128, count: 5000)).write(to: truncated)
        // The bad frame between two good ones neither breaks nor makes the confirmation.
        let log = try await play([upc, truncated, upc])
        #expect(log.codes.map(\.data) == ["036000291452"])
        #expect(log.statuses.contains { if case .frameRejected(let message) = $0 { message.contains("truncated") } else { false } })
    }

    @Test func aFramesFolderIsWatchedForNewFrames() async throws {
        let qr = try TestFrames.entry("qr-text", "640x480").file
        let folder = try temporaryDirectory("kiosk-watch")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = CameraLog()
        let scanner = CameraScanner(settings: CameraSettings(source: .directory(folder.path), fps: 20)) { log.report($0) }
        let running = Task {
            try await scanner.run { code in
                log.deliver(ScannedCodeRecord(data: code.data, symbology: code.symbology, source: code.source))
                return .accepted
            }
        }
        defer { running.cancel() }
        #expect(await eventually { log.statuses.contains(.running("frames \(folder.path)")) })
        // A frame dropped in (under another name first, then renamed, as the source asks).
        let staging = folder.appendingPathComponent(".incoming.png")
        try FileManager.default.copyItem(at: qr, to: staging)
        try FileManager.default.moveItem(at: staging, to: folder.appendingPathComponent("0001.png"))
        #expect(await eventually { log.codes.count == 1 })
        #expect(log.codes.first?.data == "https://shop.example/r/L01-0042")
        running.cancel()
        try await within { _ = try await running.value }
    }

    @Test func aMissingCameraIsReportedAndTheScannerKeepsLooking() async throws {
        let log = CameraLog()
        let scanner = CameraScanner(settings: CameraSettings(source: .device("/dev/video-none-\(UUID().uuidString.prefix(6))"),
                                                             retryInterval: .milliseconds(50))) { log.report($0) }
        let running = Task { try await scanner.run { _ in .accepted } }
        #expect(await eventually { log.statuses.count >= 3 })
        running.cancel()
        try await within { _ = try await running.value } // ends on cancellation, without throwing
        #expect(log.statuses.allSatisfy { if case .missing(let message) = $0 { message.hasPrefix("no camera at /dev/video-none-") } else { false } })
        #expect(log.codes.isEmpty)
    }

    @Test func v4l2OpenFailsCleanly() {
        // There is no /dev/video here: the device path is missing, or it is not a camera.
        #expect(throws: FrameSourceError.missing("no camera at /dev/video97")) {
            try V4L2Camera(path: "/dev/video97")
        }
        #expect {
            try V4L2Camera(path: "/dev/null")
        } throws: { error in
            guard let error = error as? FrameSourceError else { return false }
            switch error {
            case .failed(let message), .missing(let message): return message.contains("/dev/null")
            case .frameRejected: return false
            }
        }
        #expect(throws: FrameSourceError.missing("no frames folder at /nonexistent/frames")) {
            try CameraSource.parse("/nonexistent/frames").open(fps: 10)
        }
        #expect(CameraSource.parse("/dev/video0") == .device("/dev/video0"))
    }
}
