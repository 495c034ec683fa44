import Foundation
import KioskTestSupport
import Testing
@testable import KioskApp

/// The installed unit under a real systemd: started, frozen with SIGSTOP (the lane stops feeding the
/// watchdog), aborted by the watchdog and started again. In a Debian 12 guest booted with systemd
/// (where the tests run in a build container), and on this machine when systemd is its PID 1.
@Suite struct SystemdServiceTests {
    /// The tests' WatchdogSec (30 installed): short, but with room for a loaded machine. The lane
    /// pings every half of it, so only a stall of seconds would cost a ping, and a second restart.
    static let watchdogSeconds = 10

    /// The installed lane as a store runs it (its own settings, outside --demo), in a Debian 12 guest
    /// whose PID 1 is systemd. Only the watchdog is shortened, by a drop-in as an administrator would.
    @Test(.enabled(if: SystemdGuest.unavailable == nil, Comment(rawValue: SystemdGuest.unavailable ?? "")))
    func theWatchdogRestartsAFrozenKioskInADebianGuest() async throws {
        try await withTemporaryDirectory("kiosk-guest") { folder in
            let root = folder.appendingPathComponent("root")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            _ = try await DistributionTests.install(into: root)
            // The store and catalog the installed /etc/kiosk/kiosk.json names.
            let settings = root.appendingPathComponent("etc/kiosk")
            _ = try KioskProcess.storeSettings(in: settings)
            try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("assets/demo/catalog.csv"),
                                             to: settings.appendingPathComponent("catalog.csv"))
            let dropIn = root.appendingPathComponent("etc/systemd/system/kiosk.service.d")
            try FileManager.default.createDirectory(at: dropIn, withIntermediateDirectories: true)
            try Data("[Service]\nWatchdogSec=\(Self.watchdogSeconds)\nTimeoutStopSec=5\n".utf8).write(to: dropIn.appendingPathComponent("watchdog.conf"))

            try await SystemdGuest.withBooted(installed: root, program: KioskProcess.binary, in: folder) { systemd in
                let libraries = try await systemd.run("ldd", ["/usr/local/bin/kiosk"])
                try #require(libraries.status == 0 && !libraries.output.contains("not found"),
                             "the guest lacks libraries the kiosk links: add their Debian packages to scripts/make-systemd-guest\n\(libraries.output)")
                try await Self.expectTheWatchdogRestartsAFrozenKiosk("kiosk.service", on: systemd)
            }
        }
    }

    /// systemd runs this machine (sd_booted(3): /run/systemd/system exists only when systemd is PID 1)
    /// and the tests run as root, who may start units.
    static let systemdRunsThisMachine = FileManager.default.fileExists(atPath: "/run/systemd/system") && getuid() == 0

    /// The same on this machine, when systemd is its PID 1: the installed unit with its own names.
    @Test(.enabled(if: systemdRunsThisMachine, "needs systemd as PID 1 (and root to start units): in a build container systemd is not PID 1; theWatchdogRestartsAFrozenKioskInADebianGuest boots one"))
    func theWatchdogRestartsAFrozenKiosk() async throws {
        let id = "kiosk-test-\(UUID().uuidString.prefix(8).lowercased())"
        // Under /run, not /tmp: the unit's PrivateTmp= would hide a program in the host's /tmp.
        let root = URL(fileURLWithPath: "/run/\(id)")
        let unitFile = URL(fileURLWithPath: "/run/systemd/system/\(id).service")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer {
            // Synchronous cleanup (defer cannot await): the unit stops and its files go.
            _ = try? runTool(URL(fileURLWithPath: "/usr/bin/systemctl"), ["stop", "\(id).service"])
            try? FileManager.default.removeItem(at: unitFile)
            _ = try? runTool(URL(fileURLWithPath: "/usr/bin/systemctl"), ["daemon-reload"])
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(atPath: "/var/lib/private/\(id)")
        }
        _ = try await DistributionTests.install(into: root)
        // The installed unit as it is, but for the demo store, its own names and a short watchdog.
        let unit = try String(contentsOf: root.appendingPathComponent("etc/systemd/system/kiosk.service"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                if line.hasPrefix("ExecStart=") {
                    return "ExecStart=\(root.path)/usr/local/bin/kiosk run --demo --listen 127.0.0.1:0"
                }
                if line.hasPrefix("WatchdogSec=") { return "WatchdogSec=\(Self.watchdogSeconds)" }
                if line.hasPrefix("TimeoutStopSec=") { return "TimeoutStopSec=5" }
                if line == "StateDirectory=kiosk" { return "StateDirectory=\(id)" }
                if line == "User=kiosk" { return "User=\(id)" }
                return String(line)
            }.joined(separator: "\n")
        try Data(unit.utf8).write(to: unitFile)
        let systemd = ServiceManager.local(in: root)
        #expect(try await systemd.systemctl("daemon-reload").status == 0)
        try await Self.expectTheWatchdogRestartsAFrozenKiosk("\(id).service", on: systemd)
    }

    /// Starts `unit`, freezes its main process with SIGSTOP (sent by systemd, which knows which it
    /// is), and expects the watchdog to abort it and systemd to start a new one: one restart, for the
    /// watchdog, and the new lane's page answers as the first one's did.
    static func expectTheWatchdogRestartsAFrozenKiosk(_ unit: String, on systemd: ServiceManager) async throws {
        // `systemctl start` of a notify service returns once READY=1 came.
        let started = try await systemd.systemctl("start", unit)
        let first = try await systemd.property(unit, "MainPID")
        guard started.status == 0, first != "0", !first.isEmpty else {
            let journal = try await systemd.journal(of: unit)
            Issue.record("\(unit) did not start: \(started.output)\n\(journal)")
            return
        }
        #expect(try await systemd.property(unit, "NRestarts") == "0")
        try await expectThePageAnswers(unit, pid: first, on: systemd)

        let frozen = try await systemd.systemctl("kill", "--signal=SIGSTOP", "--kill-whom=main", unit)
        #expect(frozen.status == 0, "\(frozen.output)")
        // A hang guard, not a timing check: the watchdog aborts it, TimeoutStopSec kills it.
        let restarted = try await poll(120, every: .milliseconds(500)) { () async throws -> String? in
            let pid = try await systemd.property(unit, "MainPID")
            let restarts = try await systemd.property(unit, "NRestarts")
            let active = try await systemd.property(unit, "ActiveState")
            return restarts != "0" && pid != first && pid != "0" && active == "active" ? pid : nil
        }
        let journal = try await systemd.journal(of: unit)
        guard let second = restarted else {
            let status = try await systemd.systemctl("status", "--no-pager", unit).output
            Issue.record("\(unit) was not restarted:\n\(status)\n\(journal)")
            return
        }
        #expect(try await systemd.property(unit, "NRestarts") == "1")
        // systemd's own account: it was the watchdog, not a crash or a stop.
        #expect(journal.contains("Watchdog timeout (limit \(watchdogSeconds)s)!"), "\(journal)")
        #expect(journal.contains("Failed with result 'watchdog'"), "\(journal)")
        try await expectThePageAnswers(unit, pid: second, on: systemd)
    }

    /// The lane `pid` of `unit` serves its page at the address its ready line gives.
    static func expectThePageAnswers(_ unit: String, pid: String, on systemd: ServiceManager) async throws {
        // A hang guard: journald files the line a moment after the lane wrote it.
        let address = try await poll(60, every: .milliseconds(200)) { () async throws -> String? in
            try await systemd.output(of: pid, in: unit).split(separator: "\n")
                .first { $0.hasPrefix("kiosk ready on ") }.map { String($0.dropFirst("kiosk ready on ".count)) }
        }
        guard let page = address else {
            let journal = try await systemd.journal(of: unit)
            Issue.record("no ready line from process \(pid) of \(unit):\n\(journal)")
            return
        }
        let reply = try await systemd.run("curl", ["-sS", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", page])
        #expect(reply.output == "200", "\(page): \(reply.output)")
    }
}
