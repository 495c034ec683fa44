import Foundation
import KioskTestSupport
import Testing

/// What the lane keeps on disk and shows is for the lane: bearer codes never reach the journal,
/// the log or the page, and the state folder is readable by the kiosk's user only.
@Suite(.serialized) struct StateSecrecyTests {
    /// A WeChat Pay code (18 digits starting 13) and an Alipay one (20 digits starting 28).
    static let wechat = "134567890123456789"
    static let alipay = "28765432109876543210"

    /// Almost-valid payment codes: each is rejected as a scan, and each carries a wallet code's digits.
    static let variants: [(scan: String, digits: String)] = [wechat, alipay].flatMap(almostValid) + [
        // A digit too few or too many: WeChat Pay codes are exactly 18 digits, Alipay's 16 to 24.
        (String(wechat.dropLast()), String(wechat.dropLast())), (wechat + "7", wechat + "7"),
        (String(alipay.prefix(15)), String(alipay.prefix(15))), (alipay + "12345", alipay + "12345"),
    ]

    static func almostValid(_ code: String) -> [(scan: String, digits: String)] {
        [
            (code + "\t", code), (code + " ", code), (" " + code, code), ("\t" + code + "\r", code),
            ("]C1" + code, code), ("]E0" + code + " ", code), ("x" + code, code), (code + "-A", code),
        ]
    }

    @Test func almostValidWalletCodesNeverReachTheStateFolderTheLogOrThePage() async throws {
        let stateDir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stateDir) }
        let kiosk = try await KioskProcess(stateDirectory: stateDir)
        let api = APIClient(base: kiosk.baseURL)

        // The page's WebSocket, opened as the page opens it (PageSocket), captures every push.
        let socket = try await PageSocket.open(port: kiosk.port, origin: kiosk.baseURL)
        defer { socket.disconnect() }
        #expect(await socket.waitForMessage() != nil)

        for variant in Self.variants {
            let body = try JSONSerialization.data(withJSONObject: ["code": variant.scan])
            let reply = try await api.post("/api/scan", String(decoding: body, as: UTF8.self))
            #expect(reply.status == 422, "\(variant.scan.debugDescription) was not rejected")
            #expect(!reply.text.contains(Self.secret(variant.digits)), "the reply shows \(variant.scan.debugDescription)")
            // The rejection reached the page, masked: the first 2 and last 4 digits stay.
            let masked = String(variant.digits.prefix(2)) + String(repeating: "*", count: variant.digits.count - 6)
                + String(variant.digits.suffix(4))
            #expect(await eventually(30, every: .milliseconds(20)) { socket.messages.contains { $0.contains(masked) } },
                    "the page never showed \(masked)")
        }

        let whileRunning = try Self.stateFiles(stateDir)
        #expect(kiosk.terminate() == 0)
        let afterStop = try Self.stateFiles(stateDir)
        #expect(afterStop.keys.contains("journal.sqlite"))
        let captured = socket.messages.joined(separator: "\n")
        for variant in Self.variants {
            let secret = Data(Self.secret(variant.digits).utf8)
            for (name, contents) in whileRunning.merging(afterStop, uniquingKeysWith: { a, b in a + b }) {
                #expect(contents.range(of: secret) == nil, "\(name) holds \(variant.scan.debugDescription)")
            }
            #expect(!kiosk.log.contains(Self.secret(variant.digits)), "the log holds \(variant.scan.debugDescription)")
            #expect(!captured.contains(Self.secret(variant.digits)), "the page was sent \(variant.scan.debugDescription)")
        }
    }

    @Test func theStateFolderAndEverythingInItAreTheKioskUsersAlone() async throws {
        let stateDir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stateDir) }

        // An older install left everything readable by every local user.
        var kiosk = try await KioskProcess(stateDirectory: stateDir)
        try await Self.sellAndPrint(APIClient(base: kiosk.baseURL))
        #expect(kiosk.terminate() == 0)
        for path in try Self.modes(stateDir).keys {
            var info = stat()
            #expect(lstat(stateDir.path + path, &info) == 0)
            #expect(chmod(stateDir.path + path, (info.st_mode & S_IFMT) == S_IFDIR ? 0o755 : 0o644) == 0)
        }
        #expect(FileManager.default.createFile(atPath: stateDir.appendingPathComponent("receipts/old.txt").path,
                                               contents: Data("old".utf8), attributes: [.posixPermissions: 0o666]))

        // Started again: tightened at start, and what it makes now is born private (-wal and -shm while it runs).
        kiosk = try await KioskProcess(stateDirectory: stateDir)
        try await Self.sellAndPrint(APIClient(base: kiosk.baseURL))
        let running = try Self.modes(stateDir)
        #expect(kiosk.terminate() == 0)
        let stopped = try Self.modes(stateDir)
        #expect(running.keys.contains("/journal.sqlite-wal") && running.keys.contains("/journal.sqlite-shm"))
        #expect(stopped.keys.contains("/simulated-terminal.json") && stopped.keys.contains("/lane-key.json"))
        #expect(stopped.keys.filter { $0.hasPrefix("/receipts/") && $0.hasSuffix(".escpos") }.count == 2)
        for (path, mode) in running.merging(stopped, uniquingKeysWith: { $1 }) {
            #expect(mode == (path == "" || path.hasSuffix("/") ? 0o700 : 0o600), "\(path) is \(String(mode, radix: 8))")
        }
    }

    /// Scans an item, pays, and waits for the printed receipt.
    static func sellAndPrint(_ api: APIClient) async throws {
        let demo = try await api.get("/api/demo/items")
        let items = try #require(JSONSerialization.jsonObject(with: Data(demo.text.utf8)) as? [[String: Any]])
        let plain = try #require(items.first { $0["hint"] == nil }?["code"] as? String)
        #expect(try await api.scan(plain).status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        let done = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" })
        #expect((done["sale"] as? [String: Any])?["receiptPrinted"] as? Bool == true)
        #expect(try await api.post("/api/finish").status == 200)
    }

    /// The permission bits of `folder` ("") and of every file and folder under it ("/receipts/",
    /// "/journal.sqlite"), symbolic links not followed.
    static func modes(_ folder: URL) throws -> [String: mode_t] {
        var modes: [String: mode_t] = [:]
        func visit(_ relative: String) throws {
            var info = stat()
            guard lstat(folder.path + relative, &info) == 0 else { return }  // gone meanwhile
            let isFolder = (info.st_mode & S_IFMT) == S_IFDIR
            modes[isFolder && !relative.isEmpty ? relative + "/" : relative] = info.st_mode & 0o7777
            guard isFolder else { return }
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path + relative) { try visit(relative + "/" + name) }
        }
        try visit("")
        return modes
    }

    /// The digits the mask hides: without them the code cannot be charged.
    static func secret(_ digits: String) -> String {
        String(digits.dropFirst(2).dropLast(4))
    }

    /// Every regular file under `folder` (relative path: bytes), binary-safe.
    static func stateFiles(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files[String(url.path.dropFirst(folder.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }
}
