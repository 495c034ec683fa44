import Foundation
import KioskTestSupport
import Testing

/// Head office under faults, with real lanes, the real `kiosk-hq` and a real PostgreSQL: the
/// collector killed at random moments, PostgreSQL restarted under it, a lane killed while it is
/// pulled; and lanes that lie (a corrupted page, another key, a forked or a truncated history),
/// each quarantined with its reason and evidence while the other lanes are collected as usual.
/// Moments are seeded; every wait is on a condition (a sleep only ever picks the moment).
@Suite(.serialized) struct HeadOfficeFaultTests {
    static let long = ProcessInfo.processInfo.environment["KIOSK_LONG_TESTS"] == "1"

    /// One sale on a running demo lane: a scan, pay (the demo terminal approves), finish.
    func sell(_ kiosk: KioskProcess, _ code: String = "6907674936533") async throws {
        let api = APIClient(base: kiosk.baseURL)
        #expect(try await api.scan(code).status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        _ = try await api.waitForState { ($0["phase"] as? String) == "receipt" }
        #expect(try await api.post("/api/finish").status == 200)
    }

    /// Runs `collect --once` until every lane has reached `newest` (an acknowledgement appends an
    /// event, so a lane is never "done"; what it had is). A hang guard, not a timing.
    func collectUntil(_ rig: HeadOfficeRig, _ newest: [String: Int64]) async throws {
        for _ in 0..<20 {
            _ = try await rig.hq(["collect", "--once"])
            var behind = false
            for (lane, seq) in newest where try await rig.stored(lane).newest < seq { behind = true }
            if !behind { return }
        }
        Issue.record("the lanes were not collected up to \(newest)")
    }

    func expectExactlyOnce(_ rig: HeadOfficeRig, _ newest: [String: Int64]) async throws {
        for (lane, seq) in newest.sorted(by: { $0.key < $1.key }) {
            let problems = try await rig.expectExactlyOnce(lane, atLeast: seq)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    // MARK: Crashes and restarts: nothing lost, nothing doubled

    @Test func collectorKilledAtRandomMomentsStoresEveryEventExactlyOnce() async throws {
        let kills = Self.long ? 50 : 5
        let events = Self.long ? 12_000 : 2_500
        try await withTemporaryDirectory { folder in
            let rig = try await HeadOfficeRig(folder: folder, cluster: try await PostgresCluster.shared())
            defer { rig.stopAll() }
            let lanes = ["K1", "K2", "K3"]
            var newest: [String: Int64] = [:]
            for (n, lane) in lanes.enumerated() {
                try await rig.generate(lane, events: events, seed: 40 + UInt64(n))
                try await rig.start(lane)
                try await rig.enrol(lane)
                newest[lane] = try rig.laneNewest(lane)
            }
            let total = newest.values.reduce(0, +)
            var random = SplitMix64(seed: 0x6B696C6C)
            for kill in 0..<kills {
                // The k-th kill once head office holds about k/kills of the backlog, then a random
                // moment later (0-150 ms): in a page's transaction, between pages, in an ack.
                let target = total * Int64(kill) / Int64(kills) + Int64(random.next() % UInt64(max(1, total / Int64(kills))))
                let collector = try rig.startCollector()
                _ = await poll(180, every: .milliseconds(50)) { (try? await rig.totalStored()).flatMap { $0 >= target ? true : nil } }
                try await Task.sleep(for: .milliseconds(Int(random.next() % 150)))
                Foundation.kill(collector.processIdentifier, SIGKILL)
                collector.waitUntilExit()
                for lane in lanes {
                    let held = try await rig.stored(lane)
                    #expect(held.count == held.newest, "after kill \(kill): \(lane) holds \(held.count) events for seq 1...\(held.newest)")
                }
            }
            try await collectUntil(rig, newest)
            try await expectExactlyOnce(rig, newest)
            for lane in lanes { #expect(try await rig.quarantine(lane) == nil) }
            print("collector killed \(kills) times over \(total) events in \(lanes.count) lanes: checked exactly once")
        }
    }

    @Test func postgresRestartedMidIngestLosesAndDoublesNothing() async throws {
        let cluster = try await PostgresCluster.start()
        do {
            try await withTemporaryDirectory { folder in
                let rig = try await HeadOfficeRig(folder: folder, cluster: cluster)
                defer { rig.stopAll() }
                var newest: [String: Int64] = [:]
                for (n, lane) in ["P1", "P2"].enumerated() {
                    try await rig.generate(lane, events: 3_000, seed: 50 + UInt64(n))
                    try await rig.start(lane)
                    try await rig.enrol(lane)
                    newest[lane] = try rig.laneNewest(lane)
                }
                let total = newest.values.reduce(0, +)
                let collector = try rig.startCollector()
                defer { if collector.isRunning { Foundation.kill(collector.processIdentifier, SIGKILL) } }
                // A crash of the server a third of the way in, a clean restart at two thirds: the same
                // collector process carries on each time.
                for (fraction, crash) in [(1, true), (2, false)] {
                    #expect(await eventually(180, every: .milliseconds(50)) { ((try? await rig.totalStored()) ?? 0) >= total * Int64(fraction) / 3 })
                    if crash { await cluster.kill() } else { await cluster.stop() }
                    #expect(collector.isRunning, "the collector outlives its database")
                    try await cluster.startServer()
                }
                // Whatever is stored is exactly once: no gap, no duplicate, whether or not it caught up.
                for lane in newest.keys.sorted() {
                    let stored = try await rig.stored(lane)
                    #expect(stored.count == stored.newest, "\(lane): \(stored.count) events stored up to seq \(stored.newest)")
                }
                // After the restarts the collector catches up (a step stuck in the client is abandoned
                // after --timeout and retried) and still obeys SIGTERM.
                let caughtUp = await eventually(180, every: .milliseconds(100)) {
                    for (lane, seq) in newest where ((try? await rig.stored(lane))?.newest ?? 0) < seq { return false }
                    return true
                }
                #expect(caughtUp, "the collector recovered and collected everything: \(rig.collectorLog.suffix(3000))")
                #expect(collector.isRunning)
                Foundation.kill(collector.processIdentifier, SIGTERM)
                // A hang guard of 180 s (a loop, not `eventually`: the compiler crashes on that closure here).
                for _ in 0..<1800 where collector.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
                let exited = !collector.isRunning
                #expect(exited, "the collector exits on SIGTERM after its database came back")
                if exited { #expect(collector.terminationStatus == 0) }
                try await expectExactlyOnce(rig, newest)
            }
        } catch {
            await cluster.remove()
            throw error
        }
        await cluster.remove()
    }

    @Test func laneKilledMidCollectionResumesWhereItStopped() async throws {
        try await withTemporaryDirectory { folder in
            let rig = try await HeadOfficeRig(folder: folder, cluster: try await PostgresCluster.shared())
            defer { rig.stopAll() }
            var newest: [String: Int64] = [:]
            for (lane, events) in [("D1", 6_000), ("D2", 2_000)] {
                try await rig.generate(lane, events: events, seed: 60 + UInt64(events))
                try await rig.start(lane)
                try await rig.enrol(lane)
                newest[lane] = try rig.laneNewest(lane)
            }
            // Pages of 50: D1 takes over a hundred transactions, so it is still being pulled when it is killed.
            let collector = try rig.startCollector(pageLimit: 50)
            defer { if collector.isRunning { Foundation.kill(collector.processIdentifier, SIGKILL) } }
            // Killed once head office holds part of it; the other lane goes on meanwhile.
            #expect(await eventually(180, every: .milliseconds(20)) { ((try? await rig.stored("D1"))?.count ?? 0) > 0 })
            rig.kill("D1")
            let partial = try await rig.stored("D1")
            #expect(partial.newest < newest["D1"]!, "the lane was killed before it was all collected")
            #expect(await eventually(180, every: .milliseconds(100)) { ((try? await rig.stored("D2"))?.newest ?? 0) >= newest["D2"]! },
                    "the other lane is collected while D1 is down")
            try await rig.start("D1")
            #expect(await eventually(180, every: .milliseconds(100)) { ((try? await rig.stored("D1"))?.newest ?? 0) >= newest["D1"]! },
                    "D1 resumes from head office's cursor")
            Foundation.kill(collector.processIdentifier, SIGTERM)
            collector.waitUntilExit()
            try await expectExactlyOnce(rig, newest)
            #expect(try await rig.quarantine("D1") == nil, "a lane that was down is not a lane that lies")
        }
    }

    // MARK: Lanes that lie: quarantined, with evidence; the others collected; nothing overwritten

    /// Collects `lane` and a healthy lane once, lets `fault` change what `lane` serves (and sell
    /// on both), collects again: `lane` is quarantined with a reason and evidence, nothing it had
    /// stored is changed, the healthy lane is collected, and `status` exits non-zero naming it.
    func expectQuarantined(_ name: String, seed: UInt64, port: ((HeadOfficeRig) async throws -> Int)? = nil,
                           fault: (HeadOfficeRig) async throws -> Void) async throws -> String? {
        try await withTemporaryDirectory { folder in
            let rig = try await HeadOfficeRig(folder: folder, cluster: try await PostgresCluster.shared())
            defer { rig.stopAll() }
            for lane in ["Q1", "H1"] {
                try await rig.generate(lane, events: 400, seed: seed + (lane == "H1" ? 1 : 0))
                try FileManager.default.copyItem(at: rig.state(lane), to: folder.appendingPathComponent("copy-\(lane)"))
                try await rig.start(lane)
            }
            try await rig.enrol("Q1", port: try await port?(rig))
            try await rig.enrol("H1")
            try await collectUntil(rig, ["Q1": try rig.laneNewest("Q1"), "H1": try rig.laneNewest("H1")])
            try await sell(rig.running["Q1"]!)
            try await collectUntil(rig, ["Q1": try rig.laneNewest("Q1")])
            let before = try await rig.stored("Q1")

            try await fault(rig)
            try await sell(rig.running["H1"]!)
            let healthy = try rig.laneNewest("H1")
            _ = try await rig.hq(["collect", "--once"])
            _ = try await rig.hq(["collect", "--once"]) // a quarantined lane is not pulled again, nor repaired

            let reason = try await rig.quarantine("Q1")
            #expect(reason != nil, "\(name): the lane is quarantined")
            #expect(!(try await rig.evidence("Q1")).isEmpty, "\(name): the evidence is kept")
            #expect(try await rig.stored("Q1") == before, "\(name): nothing already stored is overwritten or added to")
            #expect(try await rig.expectExactlyOnce("H1", atLeast: healthy).isEmpty, "\(name): the other lane is collected")
            #expect(try await rig.quarantine("H1") == nil)
            let status = try await rig.hq(["status"])
            #expect(status.status != 0, "\(name): status exits non-zero: \(status.output)")
            #expect(status.output.contains("Q1") && reason.map(status.output.contains) == true, "\(name): \(status.output)")
            return reason
        }
    }

    @Test func corruptedPageIsQuarantined() async throws {
        let reason = try await expectQuarantined("corrupted page", seed: 70, port: { rig in
            let (process, port) = try await CorruptingProxy.start(in: rig.folder, upstream: rig.ports["Q1"]!)
            rig.own(process)
            return port
        }) { rig in
            // From now on the proxy flips a byte in the payload of an event head office has not stored.
            try CorruptingProxy.corrupt(after: try await rig.stored("Q1").newest, in: rig.folder)
            try await sell(rig.running["Q1"]!)
        }
        print("corrupted page: quarantined as \(reason ?? "-")")
    }

    @Test func wrongSignatureIsQuarantined() async throws {
        let reason = try await expectQuarantined("wrong signature", seed: 80) { rig in
            // Another lane's key in this lane's state folder: what it signs from now on is not
            // what head office enrolled.
            await rig.stop("Q1")
            let other = rig.folder.appendingPathComponent("other-key")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            _ = try await run(KioskProcess.binary.path, ["lane", "identity", "--state-dir", other.path, "--config", rig.config("Q1").path],
                              in: rig.folder)
            let key = rig.state("Q1").appendingPathComponent("lane-key.json")
            try FileManager.default.removeItem(at: key)
            try FileManager.default.copyItem(at: other.appendingPathComponent("lane-key.json"), to: key)
            try await rig.start("Q1")
        }
        print("wrong signature: quarantined as \(reason ?? "-")")
    }

    @Test func forkedHistoryIsQuarantined() async throws {
        let reason = try await expectQuarantined("forked history", seed: 90) { rig in
            // The copy made before the first sale: same lane id and key, other sales from there on.
            await rig.stop("Q1")
            let copy = rig.folder.appendingPathComponent("copy-Q1")
            let fork = try await rig.start("Q1", from: copy)
            for _ in 0..<4 { try await sell(fork) }
        }
        print("forked history: quarantined as \(reason ?? "-")")
    }

    @Test func truncatedHistoryIsQuarantined() async throws {
        let reason = try await expectQuarantined("truncated history", seed: 100) { rig in
            // The lane's state folder restored from the copy made before its sale was collected.
            await rig.stop("Q1")
            try FileManager.default.removeItem(at: rig.state("Q1"))
            try FileManager.default.copyItem(at: rig.folder.appendingPathComponent("copy-Q1"), to: rig.state("Q1"))
            try await rig.start("Q1")
        }
        print("truncated history: quarantined as \(reason ?? "-")")
    }
}
