import Foundation
import Journal
import KioskTestSupport
import Testing

/// Maintenance mode through the real `kiosk` over HTTP: the login behind badge, PIN and the page
/// guard, the token on every action, the lane closed for shoppers, and the journal's record.
@Suite(.serialized) struct StaffModeEndToEndTests {
    @Test func staffCloseAndOpenTheLaneOverHTTPWithBadgePINAndToken() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        // The session outlives any pause of a loaded machine (StaffModeTests times it out).
        let config = folder.appendingPathComponent("kiosk.json")
        try Data(#"{"usbDevices": false, "staffModeTimeoutSeconds": 3600}"#.utf8).write(to: config)
        let kiosk = try await KioskProcess(stateDirectory: state, extraArguments: ["--config", config.path])
        defer { if kiosk.process.isRunning { kiosk.kill9() } }
        let api = APIClient(base: kiosk.baseURL)
        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        let code = try #require(items.first { $0["hint"] == nil || $0["hint"] is NSNull }?["code"] as? String)

        // A shopper's cart is there when staff log in, and still there after.
        #expect(try await api.scan(code).status == 200)
        let wrong = try await api.post("/api/staff-mode/open", #"{"badge":"1001","pin":"0000"}"#)
        #expect(wrong.status == 401 && (wrong.json["error"] as? [String: Any])?["code"] as? String == "bad-credentials")
        // A foreign page cannot log in, even with the right PIN.
        let foreign = try await curl(kiosk.baseURL + "/api/staff-mode/open", in: folder,
                                     headers: ["Origin: http://attacker.example", "Content-Type: application/json"],
                                     extra: ["-X", "POST", "--data-binary", #"{"badge":"1001","pin":"1234"}"#])
        #expect(foreign.status == "403")
        let opened = try await api.post("/api/staff-mode/open", #"{"badge":"1001","pin":"1234"}"#)
        #expect(opened.status == 200)
        let token = try #require(opened.json["token"] as? String)
        let status = try #require(opened.json["status"] as? [String: Any])
        #expect(status["phase"] as? String == "shopping" && status["laneClosed"] as? Bool == false)
        let view = try await api.get("/api/state").json
        #expect((view["staffMode"] as? [String: Any])?["badge"] as? String == "1001")
        #expect((view["lines"] as? [Any])?.count == 1)

        // Busy: the lane is not closed under a shopper; a made-up token does nothing.
        let busy = try await api.post("/api/staff-mode/lane", #"{"token":"\#(token)","open":false}"#)
        #expect(busy.status == 409 && (busy.json["error"] as? [String: Any])?["code"] as? String == "lane-busy")
        let forged = try await api.post("/api/staff-mode/lane", #"{"token":"\#(String(repeating: "0", count: 64))","open":false}"#)
        #expect(forged.status == 401 && (forged.json["error"] as? [String: Any])?["code"] as? String == "staff-session-ended")
        let notJSON = try await api.post("/api/staff-mode/lane", #"{"token": 5}"#)
        #expect(notJSON.status == 400)

        // The shopper gives up; staff close the lane; a new shopper is turned away.
        #expect(try await api.post("/api/staff-mode/close", #"{"token":"\#(token)"}"#).status == 200)
        #expect(try await api.post("/api/cancel").status == 200)
        let cancel = try await api.post("/api/staff/approve", #"{"badge":"1001","pin":"1234"}"#)
        #expect(cancel.status == 200 && cancel.json["phase"] as? String == "idle")
        let again = try #require(try await api.post("/api/staff-mode/open", #"{"badge":"1001","pin":"1234"}"#).json["token"] as? String)
        #expect(try await api.post("/api/staff-mode/lane", #"{"token":"\#(again)","open":false}"#).status == 200)
        #expect(try await api.get("/api/state").json["laneClosed"] as? Bool == true)
        let turnedAway = try await api.scan(code)
        #expect(turnedAway.status == 409 && (turnedAway.json["error"] as? [String: Any])?["code"] as? String == "lane-closed")
        // That scan closed the maintenance screen: the token is spent.
        #expect(try await api.post("/api/staff-mode/status", #"{"token":"\#(again)"}"#).status == 401)

        // Test print and Z report from the screen; then the lane opens again.
        let third = try #require(try await api.post("/api/staff-mode/open", #"{"badge":"1001","pin":"1234"}"#).json["token"] as? String)
        #expect(try await api.post("/api/staff-mode/test-print", #"{"token":"\#(third)"}"#).json["result"] as? String == "printed")
        let z = try await api.post("/api/staff-mode/z-report", #"{"token":"\#(third)"}"#)
        #expect(z.json["result"] as? String == "printed" && z.json["number"] as? Int == 1)
        #expect(try await api.post("/api/staff-mode/lane", #"{"token":"\#(third)","open":true}"#).status == 200)
        #expect(try await api.scan(code).status == 200)
        #expect(await kiosk.stop() == 0)

        let journal = try LaneJournal(path: state.appendingPathComponent("journal.sqlite").path)
        let actions = try journal.entries().compactMap { entry -> String? in
            guard case .admin(.staffAction(let action)) = entry.event else { return nil }
            return action.action.rawValue + (action.result.map { " " + $0 } ?? "")
        }
        #expect(actions == ["mode-opened", "mode-closed left", "mode-opened", "lane-closed", "mode-closed shopper-scan",
                            "mode-opened", "test-print printed", "lane-opened", "mode-closed shopper-scan"])
        #expect(try journal.entries().contains { $0.kind == "z-report" })
        // Nothing secret in the journal: neither the PIN's session token nor the PIN.
        let everything = try journal.entries().map { JournalFormat.payload($0.event) }.joined()
        #expect(!everything.contains(token) && !everything.contains("\"pin\""))
    }

    /// Staff restart the service from the screen: the answer comes back, the kiosk stops cleanly
    /// with the status systemd restarts on, and the journal says who asked.
    @Test func staffRestartTheServiceAndTheKioskExitsForSystemdToStartItAgain() async throws {
        try await withTemporaryDirectory { folder in
            let state = folder.appendingPathComponent("state")
            let kiosk = try await KioskProcess(stateDirectory: state)
            defer { if kiosk.process.isRunning { kiosk.kill9() } }
            let api = APIClient(base: kiosk.baseURL)
            let token = try #require(try await api.post("/api/staff-mode/open", #"{"badge":"1001","pin":"1234"}"#).json["token"] as? String)
            let restart = try await api.post("/api/staff-mode/restart", #"{"token":"\#(token)"}"#)
            #expect(restart.status == 200 && restart.json["result"] as? String == "restarting")
            let stopped = await poll(180, every: .milliseconds(20)) { kiosk.process.isRunning ? nil : true }
            #expect(stopped == true && kiosk.process.terminationStatus == 75, "\(kiosk.log)")

            let journal = try LaneJournal(path: state.appendingPathComponent("journal.sqlite").path)
            let actions = try journal.entries().compactMap { entry -> String? in
                guard case .admin(.staffAction(let action)) = entry.event else { return nil }
                return action.action.rawValue + " " + action.badge
            }
            #expect(actions == ["mode-opened 1001", "service-restarted 1001"])
        }
    }
}
