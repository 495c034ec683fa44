import Foundation
import KioskTestSupport
import Logging
import Sync
import Testing
@testable import KioskApp

/// The lane's log: priorities the journal understands, `--log-level`, a label per subsystem, the
/// lane and the session on every line.
@Suite(.serialized) struct LogTests {
    @Test func linesForTheJournalStartWithTheirSyslogPriority() {
        let metadata: Logger.Metadata = ["session": "L01-S7", "lane": "L01"]
        let journal = LaneLogHandler.format(level: .warning, label: "kiosk.usb", metadata: metadata, source: "Devices",
                                            message: "scanner report dropped\nsecond line", journald: true, timestamp: nil)
        #expect(journal == "<4>warning kiosk.usb : lane=L01 session=L01-S7 [Devices] scanner report dropped\\nsecond line\n")
        let levels: [Logger.Level] = [.trace, .debug, .info, .notice, .warning, .error, .critical]
        #expect(levels.map(LaneLogHandler.syslogPriority) == [7, 7, 6, 5, 4, 3, 2])

        let readable = LaneLogHandler.format(level: .info, label: "kiosk.lane", metadata: [:], source: "KioskApp", message: "catalog loaded",
                                             journald: false, timestamp: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(readable == "2027-01-15T08:00:00Z info kiosk.lane : [KioskApp] catalog loaded\n")
    }

    @Test func theJournalIsStandardErrorOnlyWhenItsDeviceAndInodeAreNamed() {
        #expect(JournalStream.names("64:123456", device: 64, inode: 123456))
        #expect(!JournalStream.names("64:123457", device: 64, inode: 123456), "another stream: output redirected by a parent")
        #expect(!JournalStream.names(nil, device: 64, inode: 123456))
        for bad in ["", "64", "64:", ":123456", "64:123456:1", "x:y", "-64:123456"] {
            #expect(!JournalStream.names(bad, device: 64, inode: 123456), "\(bad)")
        }
    }

    /// Under systemd (its output the journal) with `--log-level warning`: a refused head-office
    /// request is a `<4>` line labelled kiosk.sync with the lane; info lines are not written at all.
    @Test func underTheJournalWarningsArePrioritisedAndInfoIsHiddenAtWarningLevel() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let sync = SyncEndToEndTests()
            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), demo: true,
                                               extraArguments: ["--config", try sync.settings(folder, pki: pki, token: token).path,
                                                                "--log-level", "warning"],
                                               journald: true)
            defer { if kiosk.process.isRunning { kiosk.kill9() } }
            let url = try #require(await kiosk.waitForLine(containing: "kiosk sync ready on")?.split(separator: " ").last)
            let wrong = SyncToken.generate().text
            let refused = try await curl(String(url) + "/sync/v1/lane", in: folder, caFile: pki.certificate("ca"),
                                         headers: ["Authorization: Bearer \(wrong)"])
            #expect(refused.status == "401")
            #expect(await kiosk.stop(timeout: 180) == 0)

            let lines = kiosk.log.split(separator: "\n")
            let warning = try #require(lines.first { $0.contains("sync request refused") }, "\(kiosk.log)")
            #expect(warning.hasPrefix("<4>warning kiosk.sync : ") && warning.contains(" lane=L07 "), "\(warning)")
            // Only the ready lines (standard output, not the log) have no priority.
            let logLines = lines.filter { !$0.hasPrefix("kiosk ready on") && !$0.hasPrefix("kiosk sync ready on") }
            #expect(logLines.allSatisfy { $0.hasPrefix("<") }, "\(kiosk.log)")
            #expect(!logLines.contains { $0.hasPrefix("<5>") || $0.hasPrefix("<6>") || $0.hasPrefix("<7>") }, "\(kiosk.log)")
            #expect(!kiosk.log.contains("catalog loaded") && !kiosk.log.contains(wrong))
        }
    }

    /// Outside the journal, at the default level: readable lines, each subsystem under its own
    /// label, every line with the lane, and the session on a session's lines.
    @Test func eachSubsystemHasItsLabelAndEveryLineTheLane() async throws {
        try await withTemporaryDirectory { folder in
            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), demo: true)
            defer { if kiosk.process.isRunning { kiosk.kill9() } }
            let api = APIClient(base: kiosk.baseURL)
            #expect(try await api.scan("6907674936533").status == 200)
            let session = try #require(try await api.get("/api/state").json["sessionID"] as? String)
            #expect(try await api.post("/api/pay").status == 200)
            _ = try await api.waitForState { ($0["phase"] as? String) == "receipt" }
            #expect(await kiosk.stop(timeout: 180) == 0)

            let lines = kiosk.log.split(separator: "\n").filter { !$0.hasPrefix("kiosk ready on") }
            #expect(!lines.isEmpty && lines.allSatisfy { !$0.hasPrefix("<") && $0.contains(" lane=L01") }, "\(kiosk.log)")
            let catalog = try #require(lines.first { $0.contains("catalog loaded") })
            #expect(catalog.contains(" info kiosk.lane : "), "\(catalog)")
            let payment = try #require(lines.first { $0.contains("payment settled") }, "\(kiosk.log)")
            #expect(payment.contains(" info kiosk.payment : ") && payment.contains("session=\(session)"), "\(payment)")
            #expect(lines.contains { $0.contains(" kiosk.catalog : ") || $0.contains(" kiosk.web : ") }, "\(kiosk.log)")
        }
    }

    @Test func anUnknownLogLevelIsRefused() async throws {
        try await withTemporaryDirectory { folder in
            let result = try await run(KioskProcess.binary.path, ["run", "--demo", "--log-level", "loud"], in: folder, mergingErrors: true)
            #expect(result.status == 64, "\(result.output)")
            #expect(result.output.contains("log-level"), "\(result.output)")
        }
    }
}
