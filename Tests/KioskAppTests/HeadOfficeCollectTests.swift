import Foundation
import GRDB
import Journal
import KioskTestSupport
import Sync
import Testing

/// The real `kiosk-hq` against two real demo lanes (TLS, a token each) and a real PostgreSQL:
/// migrate, enrol, `collect --once`, and PostgreSQL holds exactly what the lanes serve, sales
/// included; more sales, collected again, arrive once; the lanes see the acknowledgement.
@Suite(.serialized) struct HeadOfficeCollectTests {
    static var hq: URL { KioskProcess.binary.deletingLastPathComponent().appendingPathComponent("kiosk-hq") }

    struct Lane {
        let id: String
        let kiosk: KioskProcess
        let sync: String
        let state: URL
        let token: String
        var api: APIClient { APIClient(base: kiosk.baseURL) }
    }

    func start(_ id: String, in folder: URL, pki: TestPKI) async throws -> Lane {
        let token = SyncToken.generate()
        try Data("\(token.text)\n".utf8).write(to: folder.appendingPathComponent("\(id).token"))
        let config = folder.appendingPathComponent("\(id).json")
        try Data(#"""
            {"laneID": "\#(id)", "usbDevices": false,
             "sync": {"listen": "127.0.0.1:0", "tls": {"certificate": "\#(pki.certificate("server"))", "key": "\#(pki.key("server"))"},
                      "tokens": [{"name": "hq", "sha256": "\#(token.sha256Hex)"}]}}
            """#.utf8).write(to: config)
        let state = folder.appendingPathComponent(id)
        let kiosk = try await KioskProcess(stateDirectory: state, demo: true, extraArguments: ["--config", config.path])
        guard let line = await kiosk.waitForLine(containing: "kiosk sync ready on"), let url = line.split(separator: " ").last else {
            _ = kiosk.terminate()
            throw ToolFailed(description: "no sync listener: \(kiosk.log)")
        }
        let identity = try runTool(KioskProcess.binary, ["lane", "identity", "--state-dir", state.path, "--config", config.path])
        #expect(identity.status == 0)
        return Lane(id: id, kiosk: kiosk, sync: String(url).replacingOccurrences(of: "127.0.0.1", with: "localhost"), state: state,
                    token: token.text)
    }

    func publicKey(_ lane: Lane, _ folder: URL) throws -> String {
        let output = try runTool(KioskProcess.binary, ["lane", "identity", "--state-dir", lane.state.path,
                                                       "--config", folder.appendingPathComponent("\(lane.id).json").path]).output
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("public key") })
        return String(line.split(separator: " ").last!)
    }

    func buy(_ api: APIClient, items: [String]) async throws {
        for code in items { #expect(try await api.scan(code).status == 200) }
        #expect(try await api.post("/api/pay").status == 200)
        _ = try await api.waitForState { ($0["phase"] as? String) == "receipt" }
        #expect(try await api.post("/api/finish").status == 200)
    }

    /// `kiosk-hq collect` as a service (every 0.2 s), its output in `collect.log` of `folder`.
    func startCollector(_ url: String, _ folder: URL, _ extra: String...) throws -> (Process, URL) {
        let collector = Process()
        collector.executableURL = Self.hq
        collector.arguments = ["collect", "--database", url, "--interval", "0.2"] + extra
        let log = folder.appendingPathComponent("collect.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        collector.standardOutput = output
        collector.standardError = output
        try collector.run()
        return (collector, log)
    }

    func hq(_ arguments: [String], _ folder: URL) async throws -> (status: Int32, output: String) {
        try await run(Self.hq.path, arguments, in: folder, mergingErrors: true)
    }

    /// getLane, as head office's collector sees it.
    func laneStatus(_ lane: Lane, _ folder: URL, _ pki: TestPKI) async throws -> [String: Any] {
        let reply = try await curl(lane.sync + "/sync/v1/lane", in: folder, caFile: pki.certificate("ca"),
                                   headers: ["Authorization: Bearer \(lane.token)"])
        return try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
    }

    /// The lane's own sales table: id and total, and the count of its lines.
    func laneSales(_ lane: Lane) throws -> (sales: String, lines: Int) {
        var configuration = Configuration()
        configuration.readonly = true
        let db = try DatabaseQueue(path: lane.state.appendingPathComponent("journal.sqlite").path, configuration: configuration)
        return try db.read { db in
            let sales = try String.fetchAll(db, sql: "SELECT id || ':' || total FROM sale ORDER BY id").joined(separator: ",")
            return (sales, try Int.fetchOne(db, sql: "SELECT count(*) FROM sale_line") ?? -1)
        }
    }

    func expectHeadOfficeHoldsExactly(_ lanes: [Lane], _ cluster: PostgresCluster, _ database: String, _ folder: URL, _ pki: TestPKI)
        async throws {
        for lane in lanes {
            let status = try await laneStatus(lane, folder, pki)
            let newest = try #require(status["newestSeq"] as? Int)
            let head = try #require(status["head"] as? [String: Any])
            let stored = try await cluster.psql(database: database, """
                SELECT count(*), max(seq), (SELECT encode(hash, 'hex') FROM event WHERE lane = '\(lane.id)' ORDER BY seq DESC LIMIT 1)
                FROM event WHERE lane = '\(lane.id)'
                """).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(stored == "\(newest)\t\(newest)\t\(head["hash"] as? String ?? "?")", "\(lane.id): every event once, the same chain")
            #expect((status["backlog"] as? Int) == 0, "\(lane.id) saw the acknowledgement: \(status)")
            let sales = try laneSales(lane)
            let hqSales = try await cluster.psql(database: database, """
                SELECT string_agg(id || ':' || total, ',' ORDER BY id) FROM sale WHERE lane = '\(lane.id)'
                """).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(hqSales == sales.sales)
            let hqLines = try await cluster.psql(database: database, "SELECT count(*) FROM sale_line WHERE lane = '\(lane.id)'")
            #expect(hqLines.trimmingCharacters(in: .whitespacesAndNewlines) == "\(sales.lines)")
        }
    }

    @Test func collectStoresEveryLaneOnceVerifiedAndOnlyTheNewEventsNextTime() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let cluster = try await PostgresCluster.shared()
            let url = try await cluster.makeDatabase("collect")
            let database = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
            let first = try await start("L01", in: folder, pki: pki)
            defer { if first.kiosk.process.isRunning { first.kiosk.kill9() } }
            let second = try await start("L02", in: folder, pki: pki)
            defer { if second.kiosk.process.isRunning { second.kiosk.kill9() } }
            try await buy(first.api, items: ["6907674936533", "6907674936533"])
            try await buy(first.api, items: ["6907674936533"])
            try await buy(second.api, items: ["6907674936533"])

            #expect(try await hq(["migrate", "--database", url], folder).status == 0)
            for (lane, store) in [(first, "S1"), (second, "S2")] {
                let added = try await hq(["lanes", "add", lane.id, "--database", url, "--store", store, "--public-key", try publicKey(lane, folder),
                                          "--address", lane.sync, "--token-file", folder.appendingPathComponent("\(lane.id).token").path,
                                          "--ca-file", pki.certificate("ca")], folder)
                #expect(added.status == 0, "\(added.output)")
            }
            let collected = try await hq(["collect", "--once", "--database", url], folder)
            #expect(collected.status == 0, "\(collected.output)")
            #expect(collected.output.contains("L01\tcollected") && collected.output.contains("L02\tcollected"), "\(collected.output)")
            #expect(collected.output.contains("lane=L01") || collected.output.contains("L01"))
            // The acknowledgements the lanes journaled are collected too, and not acknowledged again.
            let again = try await hq(["collect", "--once", "--database", url], folder)
            #expect(again.status == 0 && again.output.contains("L01\tcollected 1 events"), "\(again.output)")
            try await expectHeadOfficeHoldsExactly([first, second], cluster, database, folder, pki)

            // More sales: only the new events arrive, once.
            try await buy(first.api, items: ["6907674936533"])
            for _ in 0..<2 { #expect(try await hq(["collect", "--once", "--database", url], folder).status == 0) }
            try await expectHeadOfficeHoldsExactly([first, second], cluster, database, folder, pki)

            let status = try await hq(["status", "--database", url, "--format", "json"], folder)
            #expect(status.status == 0 && status.output.contains(#""lagEvents":0"#) && status.output.contains(#""quarantine":null"#),
                    "\(status.output)")
            for output in [collected.output, again.output, status.output] {
                #expect(!output.contains(first.token) && !output.contains(second.token), "a token reached the output")
            }
            #expect(first.kiosk.terminate(timeout: 180) == 0 && second.kiosk.terminate(timeout: 180) == 0)
        }
    }

    /// The service: pulls until SIGTERM and exits 0; a lane that is down gets its error and holds up
    /// no one; a lane that is not the one enrolled is quarantined, `status` exits 2, and staff's
    /// release only lets it be checked again (and quarantined again: nothing is repaired).
    @Test func theServiceCollectsUntilSIGTERMPastADownLaneAndQuarantinesAStranger() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let cluster = try await PostgresCluster.shared()
            let url = try await cluster.makeDatabase("service")
            let database = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
            let lane = try await start("L01", in: folder, pki: pki)
            defer { if lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            try await buy(lane.api, items: ["6907674936533"])
            #expect(try await hq(["migrate", "--database", url], folder).status == 0)
            let token = folder.appendingPathComponent("L01.token").path, key = try publicKey(lane, folder)
            // L01 itself; a lane whose listener is gone; L01 again under another id (a stranger to that enrolment).
            for (id, address) in [("L01", lane.sync), ("DOWN", "https://localhost:1"), ("L09", lane.sync)] {
                let added = try await hq(["lanes", "add", id, "--database", url, "--store", "S1", "--public-key", key, "--address", address,
                                          "--token-file", token, "--ca-file", pki.certificate("ca")], folder)
                #expect(added.status == 0, "\(added.output)")
            }

            let (collector, log) = try startCollector(url, folder, "--concurrency", "2")
            defer { if collector.isRunning { kill(collector.processIdentifier, SIGKILL) } }
            let caughtUp = await poll(180, every: .milliseconds(200)) { () async -> Bool? in
                guard let status = try? await laneStatus(lane, folder, pki), let newest = status["newestSeq"] as? Int,
                      (status["backlog"] as? Int) == 0,
                      let stored = try? await cluster.psql(database: database, "SELECT count(*) FROM event WHERE lane = 'L01'"),
                      stored.trimmingCharacters(in: .whitespacesAndNewlines) == "\(newest)" else { return nil }
                return true
            }
            #expect(caughtUp == true, "the service caught up with L01")
            // A sale made while it runs arrives without another start.
            try await buy(lane.api, items: ["6907674936533"])
            let arrived = await poll(180, every: .milliseconds(200)) { () async -> Bool? in
                let sales = try? await cluster.psql(database: database, "SELECT count(*) FROM sale WHERE lane = 'L01'")
                return sales?.trimmingCharacters(in: .whitespacesAndNewlines) == "2" ? true : nil
            }
            #expect(arrived == true)
            // The lane that is down has failed meanwhile (its connection attempts time out), and held up no one.
            let failed = await poll(180, every: .milliseconds(200)) { () async -> Bool? in
                let error = try? await cluster.psql(database: database, "SELECT last_error FROM lane_cursor WHERE lane = 'DOWN'")
                return error?.hasPrefix("unreachable") == true ? true : nil
            }
            #expect(failed == true)
            kill(collector.processIdentifier, SIGTERM)
            let ended = await poll(60, every: .milliseconds(50)) { collector.isRunning ? nil : true }
            #expect(ended == true && collector.terminationStatus == 0, "SIGTERM: a clean exit")
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(text.contains("lane=DOWN") && text.contains("lane=L09"), "log lines carry the lane: \(text.suffix(2000))")
            #expect(!text.contains(lane.token), "the token never reaches the log")

            let status = try await hq(["status", "--database", url, "--format", "json"], folder)
            #expect(status.status == 2, "a quarantined lane: \(status.output)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [[String: Any]])
            let byLane = Dictionary(uniqueKeysWithValues: rows.map { ($0["lane"] as? String ?? "", $0) })
            #expect((byLane["L09"]?["quarantine"] as? String) == "identity-mismatch")
            #expect((byLane["DOWN"]?["lastError"] as? String)?.hasPrefix("unreachable") == true, "\(byLane["DOWN"] ?? [:])")
            #expect((byLane["L01"]?["lagEvents"] as? Int) == 0 && byLane["L01"]?["quarantine"] is NSNull)
            let evidence = try await cluster.psql(database: database, "SELECT reason, detail->>'laneID' FROM quarantine_evidence WHERE lane = 'L09'")
            #expect(evidence.trimmingCharacters(in: .whitespacesAndNewlines) == "identity-mismatch\tL01")
            #expect(try await cluster.psql(database: database, "SELECT count(*) FROM event WHERE lane = 'L09'")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "0", "nothing of a quarantined lane is stored")

            let released = try await hq(["lanes", "release", "L09", "--database", url], folder)
            #expect(released.status == 0 && released.output.contains("identity-mismatch"), "\(released.output)")
            let once = try await hq(["collect", "--once", "--database", url], folder)
            #expect(once.status == 2 && once.output.contains("L09\tquarantined: identity-mismatch") && once.output.contains("DOWN\tfailed"),
                    "\(once.output)")
            #expect(lane.kiosk.terminate(timeout: 180) == 0)
        }
    }

    @Test func theServiceSendsACouponRedeemedOnOneLaneToEveryOtherLane() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let url = try await PostgresCluster.shared().makeDatabase("coupons")
            let lanes = [try await start("L01", in: folder, pki: pki), try await start("L02", in: folder, pki: pki)]
            defer { for lane in lanes where lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            let demo = try await lanes[0].api.get("/api/demo/items")
            let items = try #require(JSONSerialization.jsonObject(with: Data(demo.text.utf8)) as? [[String: Any]])
            func code(_ hint: String) throws -> String {
                try #require(items.first { ($0["hint"] as? String) == hint }?["code"] as? String, "no demo item \(hint)")
            }
            // L01 sells with the one-time coupon.
            try await buy(lanes[0].api, items: [try code("member"), try code("coupon"), "6927744942066", "6927744942066"])
            #expect(try await hq(["migrate", "--database", url], folder).status == 0)
            for lane in lanes {
                let added = try await hq(["lanes", "add", lane.id, "--database", url, "--store", "S1", "--public-key", try publicKey(lane, folder),
                                          "--address", lane.sync, "--token-file", folder.appendingPathComponent("\(lane.id).token").path,
                                          "--ca-file", pki.certificate("ca")], folder)
                #expect(added.status == 0, "\(added.output)")
            }
            // And a lane that is down: it is owed the coupon, and holds up no one.
            #expect(try await hq(["lanes", "add", "DOWN", "--database", url, "--store", "S1", "--public-key", try publicKey(lanes[0], folder),
                                  "--address", "https://localhost:1", "--token-file", folder.appendingPathComponent("L01.token").path,
                                  "--ca-file", pki.certificate("ca")], folder).status == 0)
            let (collector, log) = try startCollector(url, folder)
            defer { if collector.isRunning { kill(collector.processIdentifier, SIGKILL) } }

            // Without any push command, the collector sends L02 the coupon once it stored L01's sale.
            let sent = await poll(180, every: .milliseconds(200)) { () -> Bool? in
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").contains { $0.contains("redeemed coupons sent") && $0.contains("lane=L02") && $0.contains("sent=1 coupons") }
                    ? true : nil
            }
            #expect(sent == true, "\(((try? String(contentsOf: log, encoding: .utf8)) ?? "").suffix(2000))")
            let refused = try await lanes[1].api.scan(try code("coupon"))
            #expect(refused.status != 200 && refused.text.contains("coupon-already-redeemed"), "\(refused.text)")
            let kept = await poll(180, every: .milliseconds(200)) { () -> Bool? in
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").contains { $0.contains("kept for the next time") && $0.contains("lane=DOWN") } ? true : nil
            }
            #expect(kept == true, "the lane that is down is still owed the coupon")

            kill(collector.processIdentifier, SIGTERM)
            let ended = await poll(60, every: .milliseconds(50)) { collector.isRunning ? nil : true }
            #expect(ended == true && collector.terminationStatus == 0, "SIGTERM: a clean exit")
        }
    }
}
