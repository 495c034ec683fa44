import Foundation
import KioskTestSupport
import Logging
import Synchronization
import Testing
@testable import KioskApp

/// The kiosk as a systemd notify service: READY=1 when the page answers, WATCHDOG=1 fed through the
/// lane actor, STOPPING=1 at shutdown, $STATE_DIRECTORY as the state folder. The tests play systemd.
@Suite struct SystemdNotifyTests {
    @Test func theEnvironmentSaysWhereToNotifyAndHowOftenToPing() throws {
        #expect(SystemdNotifySettings(environment: [:], processID: 42) == nil)
        #expect(SystemdNotifySettings(environment: ["NOTIFY_SOCKET": ""], processID: 42) == nil)

        let path = try #require(SystemdNotifySettings(environment: ["NOTIFY_SOCKET": "/run/systemd/notify"], processID: 42))
        #expect(path.socket == "/run/systemd/notify" && path.watchdogInterval == nil && path.problem == nil)

        // Half of WatchdogSec, for this process only.
        let watched = ["NOTIFY_SOCKET": "@abstract", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"]
        #expect(SystemdNotifySettings(environment: watched, processID: 42)?.watchdogInterval == .seconds(15))
        #expect(SystemdNotifySettings(environment: watched, processID: 43)?.watchdogInterval == nil, "another process is watched")
        #expect(SystemdNotifySettings(environment: watched.filter { $0.key != "WATCHDOG_PID" }, processID: 7)?.watchdogInterval == .seconds(15))

        // Bad values are said in the log, not guessed at.
        for bad in ["0", "-5", "ten", ""] {
            let settings = SystemdNotifySettings(environment: ["NOTIFY_SOCKET": "/s", "WATCHDOG_USEC": bad], processID: 1)
            #expect(settings?.watchdogInterval == nil && settings?.problem != nil, "WATCHDOG_USEC=\(bad)")
        }
        let badPID = SystemdNotifySettings(environment: ["NOTIFY_SOCKET": "/s", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "x"], processID: 1)
        #expect(badPID?.watchdogInterval == nil && badPID?.problem != nil)
        let relative = try #require(SystemdNotifySettings(environment: ["NOTIFY_SOCKET": "notify.sock"], processID: 1))
        #expect(!relative.isUsable && relative.problem != nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "notify.sock"], logger: Logger(label: "test")) == nil)
    }

    @Test func theTickerTicksEverySecondAndPingsOnItsOwnCadence() {
        var schedule = TickerSchedule(tickEvery: .seconds(1), pingEvery: .milliseconds(400))
        // (offset woken at, tick due, ping due, next wake)
        let steps: [(Duration, Bool, Bool, Duration)] = [
            (.milliseconds(400), false, true, .milliseconds(800)),
            (.milliseconds(800), false, true, .seconds(1)),
            (.seconds(1), true, false, .milliseconds(1200)),
            // A late wake (a stopped process) makes each due once, then counts from the wake: no burst.
            (.seconds(10), true, true, .milliseconds(10_400)),
        ]
        #expect(schedule.nextWake == .milliseconds(400))
        for (now, tick, ping, next) in steps {
            let due = schedule.due(at: now)
            #expect(due.tick == tick && due.ping == ping && schedule.nextWake == next, "at \(now)")
        }
        #expect(schedule.nextTick == .seconds(11))

        var unwatched = TickerSchedule(tickEvery: .seconds(1), pingEvery: nil)
        #expect(unwatched.nextWake == .seconds(1))
        let due = unwatched.due(at: .seconds(5))
        #expect(due.tick && !due.ping && unwatched.nextWake == .seconds(6))
    }

    @Test func theStateFolderIsSystemdsStateDirectoryFirst() {
        let home = URL(fileURLWithPath: "/home/lane")
        #expect(RunOptions.defaultStateDirectory(environment: ["STATE_DIRECTORY": "/var/lib/kiosk", "XDG_STATE_HOME": "/x"], home: home).path
                == "/var/lib/kiosk")
        #expect(RunOptions.defaultStateDirectory(environment: ["STATE_DIRECTORY": "/var/lib/kiosk:/var/lib/other"], home: home).path
                == "/var/lib/kiosk")
        #expect(RunOptions.defaultStateDirectory(environment: ["STATE_DIRECTORY": "relative", "XDG_STATE_HOME": "/x"], home: home).path
                == "/x/kiosk")
        #expect(RunOptions.defaultStateDirectory(environment: [:], home: home).path == "/home/lane/.local/state/kiosk")
    }

    @Test(arguments: [true, false]) func aNotificationReachesAPathOrAnAbstractSocket(abstract: Bool) async throws {
        try await withTemporaryDirectory { folder in
            let socket = try NotifySocket(abstract: abstract, folder: folder)
            try SystemdSocket.send(Array("READY=1".utf8), to: socket.name)
            #expect(await socket.receive(timeout: 180) == "READY=1")
            #expect(throws: SystemdSocket.SendError.self) {
                try SystemdSocket.send(Array("READY=1".utf8), to: folder.appendingPathComponent("nobody-listens").path)
            }
        }
    }

    /// The watchdog is fed only after a round trip through the lane actor: a lane actor that hangs
    /// (held here by a job that blocks it) stops the pings, though the ticker task itself runs on.
    @Test func aHungLaneActorStopsFeedingTheWatchdog() async throws {
        let lane = try TestLane()
        defer { try? FileManager.default.removeItem(at: lane.directory) }
        let socket = try NotifySocket(abstract: true, folder: lane.directory)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name, "WATCHDOG_USEC": "100000"],
                                                    logger: Logger(label: "test")))
        let ticker = Task { await LaneTicker(runtime: lane.runtime, watchdog: notifier).run() }
        defer { ticker.cancel() }
        // Hang guards (180 s), not timings: on a loaded machine the test pool's two threads may be
        // busy with other tests for a long while before the ticker's round trip gets one.
        for _ in 0..<3 { #expect(await socket.wait(for: "WATCHDOG=1", timeout: 180) != nil) }

        let gate = Gate()
        let holder = Task { await lane.runtime.hold(until: gate) }
        #expect(await eventually(180) { gate.isHeld })
        // At most the one ping already past the actor when it was held; none after (five waits of
        // six intervals each would see them). Short: the held actor holds a thread of the pool.
        _ = socket.drain()
        var pingsWhileHung = 0
        for _ in 0..<5 {
            if await socket.receive(timeout: 0.3) != nil { pingsWhileHung += 1 }
        }
        #expect(pingsWhileHung <= 1, "\(pingsWhileHung) pings while the lane actor was hung")

        gate.release()
        await holder.value
        #expect(await socket.wait(for: "WATCHDOG=1", timeout: 180) != nil, "the pings resume once the actor answers")
    }

    /// The real program, started as systemd starts a Type=notify service with WatchdogSec=1.
    @Test func theKioskTellsSystemdReadyFeedsTheWatchdogAndSaysStopping() async throws {
        let folder = try temporaryDirectory("systemd-notify")
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let socket = try NotifySocket(abstract: true, folder: folder)

        let process = Process()
        process.executableURL = KioskProcess.binary
        // No --state-dir: $STATE_DIRECTORY is the state folder, as under StateDirectory=kiosk.
        process.arguments = ["run", "--demo", "--listen", "127.0.0.1:0", "--assets", repositoryRoot.appendingPathComponent("assets").path]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socket.name
        environment["WATCHDOG_USEC"] = "1000000"
        environment["STATE_DIRECTORY"] = state.path
        process.environment = environment
        let output = OutputCollector(process: process)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

        // READY=1 comes only once the page answers: the first thing done on hearing it is loading it.
        let ready = await socket.wait(for: "READY=1", timeout: 180)
        #expect(ready != nil, "no READY=1: \(output.text)")
        let line = try #require(await output.line(containing: "kiosk ready on", timeout: 30))
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        let page = try await APIClient(base: "http://127.0.0.1:\(port)").get("/")
        #expect(page.status == 200)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("journal.sqlite").path), "the journal is in $STATE_DIRECTORY")

        // Hang guards (180 s), not timings: on a loaded machine the test pool's two threads may be
        // busy with other tests for a long while before the ticker's round trip gets one.
        for _ in 0..<3 { #expect(await socket.wait(for: "WATCHDOG=1", timeout: 180) != nil) }

        // Frozen: not a ping. A stopped process sends nothing, so this waits on no clock but its own.
        kill(process.processIdentifier, SIGSTOP)
        #expect(await eventually(30) { Self.isStopped(process.processIdentifier) })
        _ = socket.drain()
        #expect(await socket.receive(timeout: 2) == nil, "pings from a stopped kiosk")

        kill(process.processIdentifier, SIGCONT)
        #expect(await socket.wait(for: "WATCHDOG=1", timeout: 30) != nil, "the pings resume")

        kill(process.processIdentifier, SIGTERM)
        #expect(await socket.wait(for: "STOPPING=1", timeout: 30) != nil)
        #expect(await eventually(30) { !process.isRunning })
        #expect(process.terminationStatus == 0, "\(output.text)")
    }

    /// True when every thread of `pid` is stopped (state T in /proc).
    static func isStopped(_ pid: Int32) -> Bool {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return !tasks.isEmpty && tasks.allSatisfy { task in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(close, offsetBy: 2)] == "T"
        }
    }
}

/// Blocks the lane actor from a test: `hold()`, run on the actor, waits for `release()`.
final class Gate: Sendable {
    private let entered = Mutex(false)
    private let released = DispatchSemaphore(value: 0)

    func hold() {
        entered.withLock { $0 = true }
        released.wait()
    }

    var isHeld: Bool { entered.withLock { $0 } }

    func release() { released.signal() }
}

extension LaneRuntime {
    /// Isolated to the actor: while it waits, the actor runs nothing else, as when the lane hangs.
    func hold(until gate: Gate) { gate.hold() }
}
