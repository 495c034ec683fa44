import Foundation
import KioskApp
import KioskTestSupport
import Sync
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A store's lane (no --demo): it runs only on settings naming its store and catalog, has no
/// simulated scanner, printer or terminal, no demo routes, and takes injected scans only from an
/// authenticated integrator on the sync listener.
@Suite struct ProductionModeTests {
    func startFailure(_ arguments: [String], state: URL) async -> String? {
        do {
            let kiosk = try await KioskProcess(stateDirectory: state, demo: false, extraArguments: arguments)
            _ = kiosk.terminate()
            return nil
        } catch KioskProcessError.notReady(let log) {
            return log
        } catch {
            return "\(error)"
        }
    }

    @Test func withoutSettingsAStoresLaneDoesNotStart() async throws {
        let etc = RunOptions.defaultConfigFile.path
        try #require(!FileManager.default.fileExists(atPath: etc), "this machine has \(etc): the test needs a machine without one")
        try await withTemporaryDirectory { folder in
            let log = try #require(await startFailure([], state: folder.appendingPathComponent("state")), "the lane started without settings")
            #expect(log.contains("kiosk: config \(etc) does not exist: a lane outside --demo needs settings naming its store and catalog"), "\(log)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state/journal.sqlite").path))
        }
    }

    @Test func settingsMustNameTheStoreAndTheCatalog() async throws {
        try await withTemporaryDirectory { folder in
            let config = folder.appendingPathComponent("kiosk.json")
            for settings in [#"{"usbDevices": false}"#, #"{"store": "demo/store.json"}"#, #"{"catalog": "demo/catalog.csv"}"#] {
                try Data(settings.utf8).write(to: config)
                let log = try #require(await startFailure(["--config", config.path], state: folder.appendingPathComponent("state")),
                                       "the lane started on \(settings)")
                #expect(log.contains(#"must name the lane's "store" and "catalog": outside --demo there is no demo store"#), "\(log)")
            }
        }
    }

    @Test func theDemoStoreWithItsPublishedCouponKeyIsRefused() async throws {
        try await withTemporaryDirectory { folder in
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"{"store": "demo/store.json", "catalog": "demo/catalog.csv", "usbDevices": false}"#.utf8).write(to: config)
            let log = try #require(await startFailure(["--config", config.path], state: folder.appendingPathComponent("state")),
                                   "a store's lane started with the demo coupon key")
            #expect(log.contains(#"the store profile list coupon key "demo", the published demo key"#), "\(log)")
        }
    }

    @Test func aStoresLaneHasNoDemoRoutesAndNoSimulatedDevices() async throws {
        try await withTemporaryDirectory { folder in
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"{"usbDevices": false, \#(try KioskProcess.storeSettings(in: folder))}"#.utf8).write(to: config)
            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), demo: false,
                                         extraArguments: ["--config", config.path])
            defer { _ = kiosk.terminate() }
            let api = APIClient(base: kiosk.baseURL)
            #expect(try await api.scan("6907674936533").status == 404)
            #expect(try await api.get("/api/demo/items").status == 404)
            let view = try await api.get("/api/state").json
            #expect(view["demo"] as? Bool == false)
            #expect(view["devices"] as? [String: String] == ["scanner": "missing", "printer": "missing", "terminal": "none", "camera": "none"])
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("state/simulated-terminal.json").path))
        }
    }

    /// The integrator's route: only a credential listed in `sync.scanInjectors`; the scan takes the
    /// lane's own path; with no terminal, paying charges nothing and says so.
    @Test func integratorsInjectScansThroughTheSyncListenerOnly() async throws {
        try await withTemporaryDirectory { folder in
            let headOffice = SyncToken.generate(), bridge = SyncToken.generate()
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"""
                {"usbDevices": false, \#(try KioskProcess.storeSettings(in: folder)),
                 "sync": {"listen": "127.0.0.1:0",
                          "tokens": [{"name": "hq", "sha256": "\#(headOffice.sha256Hex)"}, {"name": "pos-bridge", "sha256": "\#(bridge.sha256Hex)"}],
                          "scanInjectors": ["pos-bridge"]}}
                """#.utf8).write(to: config)
            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), demo: false,
                                         extraArguments: ["--config", config.path])
            defer { _ = kiosk.terminate() }
            let line = try #require(await kiosk.waitForLine(containing: "kiosk sync ready on"), "\(kiosk.log)")
            let sync = try #require(line.split(separator: " ").last.map(String.init)) + "/sync/v1/scans"
            func inject(_ body: String, token: SyncToken?, type: String = "application/json") async throws -> CurlReply {
                try await curl(sync, in: folder, headers: ["Content-Type: \(type)"] + (token.map { ["Authorization: Bearer \($0.text)"] } ?? []),
                               extra: ["-X", "POST", "--data-binary", body])
            }
            let item = #"{"code": "6907674936533", "symbology": "]E0"}"#
            #expect(try await inject(item, token: nil).status == "401")
            let forbidden = try await inject(item, token: headOffice)
            #expect(forbidden.status == "403" && forbidden.body == #"{"error":{"code":"forbidden"}}"#, "\(forbidden)")
            #expect(try await inject(item, token: bridge, type: "text/plain").status == "415")
            #expect(try await inject(#"{"code": ""}"#, token: bridge).status == "400")
            #expect(try await inject(#"{"code": "6907674936533", "symbology": "E0"}"#, token: bridge).status == "400")
            #expect(try await inject(#"{"code": "6907674936533", "extra": 1}"#, token: bridge).status == "400")
            let api = APIClient(base: kiosk.baseURL)
            #expect((try await api.get("/api/state").json["lines"] as? [Any] ?? []).isEmpty, "a refused injection changed the cart")

            let accepted = try await inject(item, token: bridge)
            #expect(accepted.status == "200" && accepted.body == #"{"outcome":"accepted"}"#, "\(accepted)")
            let unknown = try await inject(#"{"code": "4006381333931"}"#, token: bridge)
            #expect(unknown.status == "422" && unknown.body.contains(#""code":"unknown-item""#), "\(unknown)")
            let state = try await api.get("/api/state").json
            #expect((state["lines"] as? [[String: Any]])?.count == 1, "\(state)")

            // No terminal: nothing is charged, the shopper is told, the cart stays.
            #expect(try await api.post("/api/pay").status == 200)
            let declined = try await api.waitForState { ($0["notice"] as? [String: Any])?["kind"] as? String == "paymentDeclined" }
            #expect(declined?["phase"] as? String == "shopping", "\(declined ?? [:])")
        }
    }
}
