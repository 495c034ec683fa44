import Foundation
import KioskTestSupport
import Sync
import Testing
@testable import KioskApp
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `kiosk sync token add|list`: the token is shown once and only its hash is kept.
@Suite struct SyncTokenCommandTests {
    func settingsFile(_ json: String, in folder: URL) throws -> URL {
        let file = folder.appendingPathComponent("kiosk.json")
        try Data(json.utf8).write(to: file)
        return file
    }

    @Test func addingPutsOnlyTheHashInTheFileAndKeepsTheRest() throws {
        try withTemporaryDirectory { folder in
            let file = try settingsFile(#"""
                {"laneID": "L07", "usbDevices": false, "camera": {"source": "/dev/video0", "fps": 12.5},
                 "sync": {"listen": "127.0.0.1:8443"}}
                """#, in: folder)
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
            let first = try SyncTokenCommands.add(name: "hq", configFile: file)
            let second = try SyncTokenCommands.add(name: "backup-collector", configFile: file)
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains(first.token.text) && !text.contains(second.token.text))
            let config = try KioskConfig.load(file)
            #expect(config.sync?.tokens == [.init(name: "hq", sha256: first.token.sha256Hex),
                                            .init(name: "backup-collector", sha256: second.token.sha256Hex)])
            #expect(config.laneID == "L07" && config.usbDevices == false && config.camera?.fps == 12.5)
            #expect(try SyncTokenCommands.list(configFile: file) == ["hq", "backup-collector"])
            #expect((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int) == 0o640)
            // Nothing is left beside it.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["kiosk.json"])
        }
    }

    @Test func withoutAFileTheEntryIsPrinted() throws {
        let added = try SyncTokenCommands.add(name: "hq", configFile: nil)
        let entry = try JSONDecoder().decode(SyncSettings.Credential.self, from: Data(added.entryJSON.utf8))
        #expect(entry == .init(name: "hq", sha256: added.token.sha256Hex))
        #expect(SyncToken(added.token.text) != nil)
    }

    @Test(arguments: [
        (#"{"laneID": "L01"}"#, #"has no "sync" setting"#),
        (#"{"sync": {"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "\#(String(repeating: "a", count: 64))"}]}}"#,
         #"already has a sync credential named "hq""#),
        // The result would not start: a network address without TLS.
        (#"{"sync": {"listen": "0.0.0.0:8443"}}"#, "sync.tls is required"),
        (#"{"sync": "#, "is not a JSON object"),
    ])
    func addingIsRefusedAndTheFileLeftAsItWas(json: String, reason: String) throws {
        try withTemporaryDirectory { folder in
            let file = try settingsFile(json, in: folder)
            #expect {
                _ = try SyncTokenCommands.add(name: "hq", configFile: file)
            } throws: { error in
                "\(error)".contains(reason) && "\(error)".contains(file.path)
            }
            #expect(try String(contentsOf: file, encoding: .utf8) == json)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["kiosk.json"])
        }
    }

    @Test func aNameThatCouldNotBeLoggedSafelyIsRefused() {
        #expect(!SyncTokenCommands.isValidName("hq\nfake log line"))
        #expect(throws: SyncSettingsError.self) { _ = try SyncTokenCommands.add(name: "", configFile: nil) }
    }
}

/// The real executable: a token made by `kiosk sync token add` opens the lane's sync listener,
/// which runs beside the page on a port of its own.
@Suite(.serialized) struct SyncListenerEndToEndTests {
    func get(_ url: String, token: String?) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    @Test func aTokenMadeByTheCommandOpensTheListener() async throws {
        try await withTemporaryDirectory { folder in
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"{"laneID": "L07", "usbDevices": false, \#(try KioskProcess.storeSettings(in: folder)), "sync": {"listen": "127.0.0.1:0"}}"#.utf8)
                .write(to: config)
            let added = try runTool(KioskProcess.binary, ["sync", "token", "add", "hq", "--config", config.path])
            #expect(added.status == 0)
            let token = try #require(added.output.split(separator: "\n").first.map(String.init))
            #expect(SyncToken(token) != nil, "\(added.output)")
            #expect(try runTool(KioskProcess.binary, ["sync", "token", "list", "--config", config.path]).output == "hq\n")
            #expect(try runTool(KioskProcess.binary, ["sync", "token", "add", "hq", "--config", config.path]).status == 1)

            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), demo: false,
                                         extraArguments: ["--config", config.path])
            defer { if kiosk.process.isRunning { _ = kiosk.terminate() } }
            let line = try #require(await kiosk.waitForLine(containing: "kiosk sync ready on"), "\(kiosk.log)")
            let base = try #require(line.split(separator: " ").last.map(String.init))
            #expect(base.hasPrefix("http://127.0.0.1:") && !base.hasSuffix(":\(kiosk.port)"))

            let refused = try await get(base + "/sync/v1/lane", token: nil)
            #expect(refused.status == 401)
            #expect(refused.body == #"{"error":{"code":"unauthorized"}}"#)
            #expect(try await get(base + "/api/state", token: nil).status == 401)
            let lane = try await get(base + "/sync/v1/lane", token: token)
            #expect(lane.status == 200)
            #expect(lane.body.contains(#""laneID":"L07""#))
            // The page's API is not on the sync listener, and sync is not on the page's.
            #expect(try await get(base + "/api/state", token: token).status == 404)
            #expect(try await get(kiosk.baseURL + "/sync/v1/lane", token: token).status == 404)

            // The whole log, once the kiosk has stopped: the refusals are in it, the token is not.
            #expect(kiosk.terminate(timeout: 180) == 0)
            #expect(await kiosk.waitForLine(containing: "kiosk stopped") != nil, "\(kiosk.log)")
            #expect(kiosk.log.contains("reason=missing credentials"), "\(kiosk.log)")
            #expect(!kiosk.log.contains(token))
        }
    }

    @Test func aMissingCertificateStopsTheStartWithItsReason() async throws {
        try await withTemporaryDirectory { folder in
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"""
                {"usbDevices": false, \#(try KioskProcess.storeSettings(in: folder)),
                 "sync": {"listen": "127.0.0.1:0", "tls": {"certificate": "/nonexistent/cert.pem", "key": "/nonexistent/key.pem"},
                 "tokens": [{"name": "hq", "sha256": "\#(String(repeating: "a", count: 64))"}]}}
                """#.utf8).write(to: config)
            do {
                _ = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), demo: false, extraArguments: ["--config", config.path])
                Issue.record("the kiosk started")
            } catch KioskProcessError.notReady(let log) {
                #expect(log.contains("kiosk: config \(config.path) sync.tls.certificate /nonexistent/cert.pem cannot be read"), "\(log)")
            }
        }
    }
}
