import Foundation
import Peripherals
import Synchronization
@testable import Vision

/// The repository (for scripts/make-frames).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

struct FrameGenerationFailed: Error, CustomStringConvertible {
    let description: String
}

/// One line of scripts/make-frames' manifest.
struct ManifestEntry: Sendable, CustomStringConvertible {
    let file: URL
    let symbology: String
    /// With GS written as \x1d, as the manifest has it.
    let payload: String
    let resolution: String
    let shot: String
    let label: String

    var isEmpty: Bool { symbology == "none" }
    /// The payload with \x1d turned back into the GS byte.
    var data: String { payload.replacingOccurrences(of: "\\x1d", with: "\u{1D}") }
    var description: String { "\(file.lastPathComponent) (\(label), \(resolution))" }
}

/// Runs scripts/make-frames with these arguments (the last one the folder to draw into).
func makeFrames(_ arguments: [String]) throws(FrameGenerationFailed) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [repositoryRoot.appendingPathComponent("scripts/make-frames").path] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    do { try process.run() } catch {
        throw FrameGenerationFailed(description: "cannot run scripts/make-frames: \(error)")
    }
    let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw FrameGenerationFailed(description: "scripts/make-frames failed (run scripts/setup?):\n\(log)")
    }
}

/// The test frames, drawn once per test process by scripts/make-frames --set test --seed 1 (about
/// 6 s on 2 cores) into a folder named after the generator's contents, so later runs reuse them and a
/// changed generator draws new ones. The same seed gives the same bytes (FrameGeneratorTests), so
/// every run and every machine tests the same frames. Needs what scripts/setup installs (zint,
/// qrencode, ImageMagick); without them the tests that use frames fail with the script's message.
enum TestFrames {
    static let generated: Result<[ManifestEntry], FrameGenerationFailed> = generate()

    static func manifest() throws -> [ManifestEntry] { try generated.get() }

    /// The folder of the frames (and of their manifest.tsv and codes/).
    static func folder() throws -> URL {
        guard let first = try manifest().first else { throw FrameGenerationFailed(description: "an empty test set") }
        return first.file.deletingLastPathComponent()
    }

    static func entry(_ label: String, _ resolution: String) throws -> ManifestEntry {
        guard let entry = try manifest().first(where: { $0.label == label && $0.resolution == resolution }) else {
            throw FrameGenerationFailed(description: "no \(label) frame at \(resolution) in the test set")
        }
        return entry
    }

    private static func generate() -> Result<[ManifestEntry], FrameGenerationFailed> {
        let script = repositoryRoot.appendingPathComponent("scripts/make-frames")
        guard let source = FileManager.default.contents(atPath: script.path) else {
            return .failure(FrameGenerationFailed(description: "cannot read \(script.path)"))
        }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a of the script: a new script, new frames
        for byte in source { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("kiosk-vision-test-frames-\(String(hash, radix: 16))")
        let manifest = folder.appendingPathComponent("manifest.tsv")
        // One draw at a time, with KioskAppTests' CameraFrames and other test processes: whoever
        // comes second finds the frames drawn. (Closing the file lets go of the lock.)
        let lock = open(folder.path + ".lock", O_CREAT | O_RDWR, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { close(lock) } }
        if !FileManager.default.fileExists(atPath: manifest.path) {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-vision-frames-\(UUID().uuidString)")
            // Two jobs: FrameGeneratorTests draws the same seed on one and expects these bytes.
            do { try makeFrames(["--set", "test", "--seed", "1", "--jobs", "2", scratch.path]) } catch { return .failure(error) }
            // Moved in whole, so that no one sees half a set.
            try? FileManager.default.moveItem(at: scratch, to: folder)
            try? FileManager.default.removeItem(at: scratch)
        }
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else {
            return .failure(FrameGenerationFailed(description: "no manifest at \(manifest.path)"))
        }
        let entries = text.split(separator: "\n").dropFirst().map { line -> ManifestEntry in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return ManifestEntry(file: folder.appendingPathComponent(f[0]), symbology: f[1], payload: f[2],
                                 resolution: f[3], shot: f[4], label: f[5])
        }
        return .success(entries)
    }
}

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

struct TimedOut: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "still running after \(seconds) s" }
}

/// Runs `body` but gives up after `seconds` (a hang guard, generous for a loaded 2-core machine).
func within<T: Sendable>(_ seconds: Double = 60, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw TimedOut(seconds: seconds)
        }
        group.cancelAll()
        return value
    }
}

/// Polls `condition` until it holds or `seconds` pass.
/// A hang guard, not a timing check: generous, because CPU-bound tests can hold both threads of the
/// shared cooperative pool for many seconds on a 2-core CI machine.
func eventually(_ seconds: Double = 120, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// A gray frame with one value everywhere.
func flatFrame(width: Int, height: Int, value: UInt8) -> GrayFrame {
    try! GrayFrame(width: width, height: height, pixels: [UInt8](repeating: value, count: width * height))
}
