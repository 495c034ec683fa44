import Foundation

/// scripts/make-frames could not draw the test frames (or they are not what a test asked for).
public struct FrameGenerationFailed: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// One line of scripts/make-frames' manifest.
public struct ManifestEntry: Sendable, CustomStringConvertible {
    public let file: URL
    public let symbology: String
    /// With GS written as \x1d, as the manifest has it.
    public let payload: String
    public let resolution: String
    public let shot: String
    public let label: String

    public var isEmpty: Bool { symbology == "none" }
    /// The payload with \x1d turned back into the GS byte.
    public var data: String { payload.replacingOccurrences(of: "\\x1d", with: "\u{1D}") }
    public var description: String { "\(file.lastPathComponent) (\(label), \(resolution))" }
}

/// Runs scripts/make-frames with `arguments` (the last one the folder to draw into) and waits for it.
public func makeFrames(_ arguments: [String]) throws(FrameGenerationFailed) {
    let script = repositoryRoot.appendingPathComponent("scripts/make-frames").path
    let result: (status: Int32, output: String)
    do { result = try runTool(URL(fileURLWithPath: "/bin/bash"), [script] + arguments, mergingErrors: true) } catch {
        throw FrameGenerationFailed(description: "cannot run scripts/make-frames: \(error)")
    }
    guard result.status == 0 else {
        throw FrameGenerationFailed(description: "scripts/make-frames failed (run scripts/setup?):\n\(result.output)")
    }
}

/// The camera test frames of VisionTests and KioskAppTests: scripts/make-frames --set test with a
/// fixed seed, drawn at most once per test process (about 6 s on 2 cores) into a folder under the
/// temporary directory named after the script's contents, so later runs and other test processes
/// reuse them and a changed script draws new ones. Needs what scripts/setup installs (zint,
/// qrencode, ImageMagick); without them the tests that use frames fail with the script's message.
public enum TestFrames {
    /// The seed the frames are drawn with (make-frames' own default, given explicitly).
    public static let seed = 1

    /// The manifest, or why there is none; computed on first use, once.
    public static let generated: Result<[ManifestEntry], FrameGenerationFailed> = generate()

    public static func manifest() throws -> [ManifestEntry] { try generated.get() }

    /// The folder the frames are in.
    public static func folder() throws -> URL {
        guard let first = try manifest().first else { throw FrameGenerationFailed(description: "the test set is empty") }
        return first.file.deletingLastPathComponent()
    }

    /// The first frame of a kind ("ean13", "qr-payment", "empty", ...) at "640x480" or "1280x720".
    public static func entry(_ label: String, _ resolution: String) throws -> ManifestEntry {
        guard let entry = try manifest().first(where: { $0.label == label && $0.resolution == resolution }) else {
            throw FrameGenerationFailed(description: "no \(label) frame at \(resolution) in the test set")
        }
        return entry
    }

    private static func generate() -> Result<[ManifestEntry], FrameGenerationFailed> {
        let folder: URL
        switch drawn("test", seed: seed) {
        case .success(let url): folder = url
        case .failure(let error): return .failure(error)
        }
        let manifest = folder.appendingPathComponent("manifest.tsv")
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

/// A set of scripts/make-frames drawn into a folder under the temporary directory named after the
/// set and the script's contents, at most once (later runs and other test processes reuse it; a
/// changed script draws a new one).
func drawn(_ set: String, seed: Int) -> Result<URL, FrameGenerationFailed> {
    let script = repositoryRoot.appendingPathComponent("scripts/make-frames")
    guard let source = FileManager.default.contents(atPath: script.path) else {
        return .failure(FrameGenerationFailed(description: "cannot read \(script.path)"))
    }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a of the script: a new script, new frames
    for byte in source { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let name = set == "test" ? "kiosk-vision-test-frames" : "kiosk-vision-\(set)-frames"
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(String(hash, radix: 16))")
    if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.tsv").path) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-vision-frames-\(UUID().uuidString)")
        do { try makeFrames(["--set", set, "--seed", String(seed), scratch.path]) } catch { return .failure(error) }
        // Moved in whole, so no one sees half a set. Another test process may have won the
        // race; either copy is good.
        try? FileManager.default.moveItem(at: scratch, to: folder)
        try? FileManager.default.removeItem(at: scratch)
    }
    return .success(folder)
}

/// One camera sequence of scripts/make-frames --set sequence-test: a code sliding into view
/// (motion blur), then held, as a camera delivers it at `fps` for 2 s.
public struct TestSequence: Sendable, CustomStringConvertible {
    public let name: String
    public let fps: Int
    /// The frame files in the order the camera delivers them (held frames repeat).
    public let frames: [URL]
    public let symbology: String
    /// With GS as the byte itself.
    public let data: String
    /// The index of the first frame with the code at rest.
    public let entered: Int

    public var description: String { "\(name) at \(fps) fps" }

    /// The sequences, drawn at most once per test process (about a minute on 2 cores).
    public static let generated: Result<[TestSequence], FrameGenerationFailed> = drawn("sequence-test", seed: TestFrames.seed).flatMap { folder in
        guard let text = try? String(contentsOf: folder.appendingPathComponent("sequences.tsv"), encoding: .utf8) else {
            return .failure(FrameGenerationFailed(description: "no sequences.tsv in \(folder.path)"))
        }
        var sequences: [TestSequence] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 10, let fps = Int(f[1]), let entered = Int(f[9]) else {
                return .failure(FrameGenerationFailed(description: "bad line in sequences.tsv: \(line)"))
            }
            let file = folder.appendingPathComponent(f[3])
            if let last = sequences.last, last.name == f[0], last.fps == fps {
                sequences[sequences.count - 1] = TestSequence(name: last.name, fps: fps, frames: last.frames + [file], symbology: last.symbology,
                                                              data: last.data, entered: last.entered)
            } else {
                sequences.append(TestSequence(name: f[0], fps: fps, frames: [file], symbology: f[4],
                                              data: f[5].replacingOccurrences(of: "\\x1d", with: "\u{1D}"), entered: entered))
            }
        }
        return .success(sequences)
    }

    public static func all() throws -> [TestSequence] { try generated.get() }
}
