import Foundation

/// A payment simulator from scripts/simulators/ run as its own process on loopback, the way the
/// kiosk meets a real terminal on the store network: it keeps its ledger on disk, can be killed
/// with SIGKILL and started again on the same port with other faults.
public final class TerminalSimulatorProcess: @unchecked Sendable {
    public let script: String
    public let folder: URL
    public let ledger: URL
    public private(set) var address = ""
    private var process: Process?
    private var arguments: [String]
    private var port = 0

    /// `script`: a file name in scripts/simulators/; `arguments`: its own, beside --listen and --ledger.
    public init(script: String, folder: URL, arguments: [String]) {
        self.script = script
        self.folder = folder
        self.ledger = folder.appendingPathComponent("\(script)-ledger.json")
        self.arguments = arguments
    }

    /// Starts it (again, on the same port after the first start) with `faults`, and waits for its
    /// listening line.
    public func start(faults: String = "") async throws {
        let log = folder.appendingPathComponent("\(script)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [repositoryRoot.appendingPathComponent("scripts/simulators/\(script)").path,
                             "--listen", "127.0.0.1:\(port)", "--ledger", ledger.path, "--faults", faults] + arguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
        let line = try await poll(60, every: .milliseconds(20)) { () -> String? in
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").first { $0.contains(" listening on ") }.map(String.init)
        }
        guard let line, let url = line.split(separator: " ").last else {
            process.terminate()
            throw ToolFailed(description: "\(script) did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        address = String(url)
        port = URLComponents(string: address)?.port ?? 0
    }

    /// SIGKILL, as a power cut or a crash would stop it.
    public func kill9() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public var isRunning: Bool { process?.isRunning ?? false }

    /// The ledger's payments, as the simulator wrote them.
    public func payments() throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: ledger.path) else { return [] }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: ledger)) as? [String: Any]
        return object?["payments"] as? [[String: Any]] ?? []
    }

    deinit { kill9() }
}

/// The nexo terminal simulator with what it needs: a test CA and server certificate, and (unless
/// `encrypted` is false) a local-encryption passphrase in a file; `nexoSettings` is the kiosk's
/// `nexoTerminal` setting for it, as JSON.
public final class NexoSimulatorRig: @unchecked Sendable {
    public let folder: URL
    public let pki: TestPKI
    public let passphrase: URL
    public let encrypted: Bool
    public let simulator: TerminalSimulatorProcess
    public static let poiID = "V400m-000000001"
    public static let keyIdentifier = "lane-key"
    public static let keyVersion = 3

    /// In `folder` (which the caller removes); started with `faults`.
    public init(folder: URL, faults: String = "", encrypted: Bool = true) async throws {
        self.folder = folder
        pki = try await TestPKI.make(in: folder)
        passphrase = folder.appendingPathComponent("nexo-passphrase")
        try Data("a terminal's passphrase\n".utf8).write(to: passphrase)
        self.encrypted = encrypted
        simulator = TerminalSimulatorProcess(script: "nexo-terminal", folder: folder, arguments: [
            "--cert", pki.certificate("server"), "--key", pki.key("server"), "--poiid", Self.poiID]
            + (encrypted ? ["--passphrase-file", passphrase.path, "--key-identifier", Self.keyIdentifier,
                            "--key-version", String(Self.keyVersion)] : []))
        try await simulator.start(faults: faults)
    }

    public func nexoSettings(address: String? = nil, statusWaitSeconds: Int = 120) -> String {
        let security = encrypted
            ? #""encryption": {"keyIdentifier": "\#(Self.keyIdentifier)", "keyVersion": \#(Self.keyVersion), "passphraseFile": "\#(passphrase.path)"}"#
            : #""unencryptedTestTerminal": true"#
        return #"""
            {"address": "\#(address ?? simulator.address)", "poiID": "\#(Self.poiID)", "saleID": "L01", "caFile": "\#(pki.certificate("ca"))",
             "statusWaitSeconds": \#(statusWaitSeconds), \#(security)}
            """#
    }

    /// `--config FILE` for a demo lane (no USB devices) paying through this terminal.
    public func kioskArguments(paymentTimeoutSeconds: Int = 600, address: String? = nil, statusWaitSeconds: Int = 120) throws -> [String] {
        let file = folder.appendingPathComponent("kiosk-\(UUID().uuidString).json")
        try Data(#"""
            {"usbDevices": false, "paymentTimeoutSeconds": \#(paymentTimeoutSeconds),
             "nexoTerminal": \#(nexoSettings(address: address, statusWaitSeconds: statusWaitSeconds))}
            """#.utf8).write(to: file)
        return ["--config", file.path]
    }

    deinit { simulator.kill9() }
}

/// Everything a kiosk wrote down: its log, and every file in its state folder, as text. For the
/// tests that check a secret never reaches either.
public func writtenDown(log: String, stateFolder: URL) -> [String] {
    var texts = [log]
    for case let file as URL in FileManager.default.enumerator(at: stateFolder, includingPropertiesForKeys: nil) ?? .init() {
        if let data = try? Data(contentsOf: file) { texts.append(String(decoding: data, as: UTF8.self)) }
    }
    return texts
}
