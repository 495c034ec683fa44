import Foundation
import Journal
import KioskTestSupport
import Sync
import Testing

/// What a head-office client does with only docs/sync-api.yaml and the lane's public key: pulls
/// page by page over TLS with a token, checks every hash and signed head, keeps a cursor, and
/// acknowledges. Pages are kept only when complete and verified, like a collector's transaction.
struct HeadOfficeClient {
    let base: String
    let folder: URL
    let pki: TestPKI
    let token: String
    var publicKey: [UInt8] = []
    var stored: [[String: Any]] = []
    var cursor: Int64 = 0
    var lastHash = LaneJournal.genesis
    var newestHead: SignedHead?

    enum Problem: Error { case http(String, String), broken(String) }

    func request(_ path: String, method: String = "GET", json: String? = nil, token: String? = nil) async throws -> CurlReply {
        var headers = ["Authorization: Bearer \(token ?? self.token)"]
        var extra = ["-X", method]
        if let json {
            headers.append("Content-Type: application/json")
            extra += ["--data-binary", json]
        }
        return try await curl(base + path, in: folder, caFile: pki.certificate("ca"), headers: headers, extra: extra)
    }

    static func head(_ object: Any?) throws -> SignedHead? {
        guard let o = object as? [String: Any] else { return nil }
        guard let lane = o["lane"] as? String, let seq = o["seq"] as? Int64 ?? (o["seq"] as? Int).map(Int64.init),
              let hash = (o["hash"] as? String).flatMap({ Hex.decode($0, count: 32) }), let at = (o["at"] as? NSNumber)?.int64Value,
              let signature = (o["signature"] as? String).flatMap({ Data(base64Encoded: $0) }) else {
            throw Problem.broken("bad signed head \(o)")
        }
        return SignedHead(lane: lane, seq: seq, hash: hash, at: at, signature: Array(signature))
    }

    mutating func enrol() async throws -> [String: Any] {
        let reply = try await request("/sync/v1/lane")
        guard reply.status == "200", let lane = try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
              let key = (lane["publicKey"] as? String).flatMap({ Data(base64Encoded: $0) }) else {
            throw Problem.http(reply.status, reply.body)
        }
        publicKey = Array(key)
        return lane
    }

    /// Pulls one page; returns whether the lane has more. A page that is cut off or does not
    /// verify changes nothing here.
    mutating func pullPage(limit: Int) async throws -> Bool {
        let reply = try await request("/sync/v1/events?after=\(cursor)&limit=\(limit)")
        guard reply.status == "200", let page = try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
              let events = page["events"] as? [[String: Any]], let more = page["more"] as? Bool else {
            throw Problem.http(reply.status, reply.body)
        }
        var previous = lastHash
        var expected = cursor + 1
        for event in events {
            let seq = (event["seq"] as! NSNumber).int64Value
            guard seq == expected else { throw Problem.broken("expected seq \(expected), got \(seq)") }
            let hash = LaneJournal.chain(previous, seq: seq, at: (event["at"] as! NSNumber).int64Value, session: event["session"] as? String,
                                         kind: event["kind"] as! String, payload: event["payload"] as! String,
                                         writes: event["writes"] as? String)
            guard Hex.encode(hash) == event["hash"] as? String else { throw Problem.broken("hash of \(seq) does not verify") }
            previous = hash
            expected += 1
        }
        if let head = try Self.head(page["head"]) {
            guard head.isValid(publicKey: publicKey), head.seq == expected - 1, head.hash == previous else {
                throw Problem.broken("the page's signed head does not match")
            }
            newestHead = head
        }
        stored += events
        cursor = expected - 1
        lastHash = previous
        return more
    }

    mutating func pullAll(limit: Int) async throws {
        while try await pullPage(limit: limit) {}
    }

    func acknowledge() async throws -> CurlReply {
        try await request("/sync/v1/ack", method: "POST", json: "{\"seq\":\(cursor),\"hash\":\"\(Hex.encode(lastHash))\"}")
    }
}

/// The real executable with a sync listener over TLS: buy, pull, acknowledge, kill mid-pull and
/// resume, and every route refused without the right credential.
@Suite(.serialized) struct SyncEndToEndTests {
    struct Lane {
        let kiosk: KioskProcess
        let sync: String
    }

    /// `more`: other settings, e.g. `"camera": {...},`.
    func settings(_ folder: URL, pki: TestPKI, token: SyncToken, clientCertificate: String? = nil, more: String = "") throws -> URL {
        let file = folder.appendingPathComponent("kiosk.json")
        let certificates = clientCertificate.map { #", "clientCertificates": [{"name": "hq-cert", "sha256": "\#($0)"}]"# } ?? ""
        try Data(#"""
            {"laneID": "L07", "usbDevices": false, \#(more)
             "sync": {"listen": "127.0.0.1:0", "tls": {"certificate": "\#(pki.certificate("server"))", "key": "\#(pki.key("server"))"},
                      "tokens": [{"name": "hq", "sha256": "\#(token.sha256Hex)"}]\#(certificates)}}
            """#.utf8).write(to: file)
        return file
    }

    func start(_ state: URL, config: URL) async throws -> Lane {
        let kiosk = try await KioskProcess(stateDirectory: state, demo: true, extraArguments: ["--config", config.path])
        guard let line = await kiosk.waitForLine(containing: "kiosk sync ready on"), let url = line.split(separator: " ").last else {
            _ = kiosk.terminate()
            throw HeadOfficeClient.Problem.http("no sync listener", kiosk.log)
        }
        return Lane(kiosk: kiosk, sync: String(url).replacingOccurrences(of: "127.0.0.1", with: "localhost"))
    }

    func buy(_ api: APIClient, items: [String]) async throws {
        for code in items { #expect(try await api.scan(code).status == 200) }
        #expect(try await api.post("/api/pay").status == 200)
        _ = try await api.waitForState { ($0["phase"] as? String) == "receipt" }
        #expect(try await api.post("/api/finish").status == 200)
    }

    @Test func headOfficePullsEverythingOnceVerifiesItAndResumesAfterAKill() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let config = try settings(folder, pki: pki, token: token)
            let state = folder.appendingPathComponent("state")
            var lane = try await start(state, config: config)
            defer { if lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            let api = APIClient(base: lane.kiosk.baseURL)
            try await buy(api, items: ["6907674936533", "6907674936533"])

            var office = HeadOfficeClient(base: lane.sync, folder: folder, pki: pki, token: token.text)
            let status = try await office.enrol()
            let identity = try runTool(KioskProcess.binary, ["lane", "identity", "--state-dir", state.path, "--config", config.path])
            #expect(identity.output.contains(Data(office.publicKey).base64EncodedString()), "the key head office enrols is the lane's")
            #expect((status["laneID"] as? String) == "L07")
            try await office.pullAll(limit: 4)
            #expect(office.cursor == (status["newestSeq"] as! NSNumber).int64Value && office.cursor > 4)
            #expect(office.stored.contains { ($0["kind"] as? String) == "payment-finished" && ($0["writes"] as? String)?.contains("sale-recorded") == true })

            // Acknowledged: journaled on the lane, the backlog is gone; a wrong hash is refused.
            let waiting = try await api.get("/api/maintenance/sync").json
            #expect((waiting["backlog"] as? Int) == Int(office.cursor) && (waiting["acknowledgedSeq"] as? Int) == 0, "\(waiting)")
            let ack = try await office.acknowledge()
            #expect(ack.status == "200" && ack.body.contains("\"backlog\":0"), "\(ack.body)")
            let maintenance = try await api.get("/api/maintenance/sync").json
            #expect((maintenance["backlog"] as? Int) == 0 && (maintenance["acknowledgedSeq"] as? Int) == Int(office.cursor), "\(maintenance)")
            let wrong = try await office.request("/sync/v1/ack", method: "POST",
                                                 json: "{\"seq\":1,\"hash\":\"\(String(repeating: "0", count: 64))\"}")
            #expect(wrong.status == "409" && wrong.body == #"{"error":{"code":"hash-mismatch"}}"#)
            let ahead = try await office.request("/sync/v1/events?after=999999")
            #expect(ahead.status == "409" && ahead.body.contains("cursor-beyond-head"))

            // More sales; the lane is killed while head office pulls; it resumes from its cursor.
            for _ in 0..<3 { try await buy(api, items: ["6907674936533"]) }
            let before = office.cursor
            let pageURL = lane.sync + "/sync/v1/events?after=\(office.cursor)&limit=5000"
            async let cutOff = curl(pageURL, in: folder, caFile: pki.certificate("ca"), headers: ["Authorization: Bearer \(token.text)"])
            lane.kiosk.kill9()
            _ = try? await cutOff // whatever arrived is not stored: the client keeps only verified pages
            lane = try await start(state, config: config)
            office = HeadOfficeClient(base: lane.sync, folder: folder, pki: pki, token: token.text, publicKey: office.publicKey,
                                      stored: office.stored, cursor: office.cursor, lastHash: office.lastHash, newestHead: office.newestHead)
            try await office.pullAll(limit: 3)
            let seqs = office.stored.map { ($0["seq"] as! NSNumber).int64Value }
            #expect(seqs == Array(1...office.cursor), "no gap, no duplicate")
            #expect(office.cursor > before)
            #expect((try await office.acknowledge()).status == "200")
            // The ack is itself an event: it was appended after the cursor.
            #expect(try await office.pullPage(limit: 10) == false)
            #expect((office.stored.last?["kind"] as? String) == "sync-acknowledged")

            // Head office's kept head still matches the lane; the lane's own verify agrees.
            let kept = try #require(office.newestHead)
            #expect(kept.seq == office.cursor)
            #expect(lane.kiosk.terminate(timeout: 180) == 0)
            let verify = try runTool(KioskProcess.binary, ["journal", "verify", "--state-dir", state.path])
            #expect(verify.status == 0 && verify.output.contains("checked with key SHA256:"), "\(verify.output)")
            let show = try runTool(KioskProcess.binary, ["journal", "show", "--state-dir", state.path])
            #expect(show.output.contains("head office: acknowledged up to #\(office.cursor - 1); 0 entries waiting"), "\(show.output)")
            #expect(!lane.kiosk.log.contains(token.text))
        }
    }

    /// Head office's pushes reach the running lane: a catalog it sells from at once, coupon ids
    /// it refuses from then on; bad pushes are refused with a code and change nothing.
    @Test func pushesReachTheRunningLane() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let lane = try await start(folder.appendingPathComponent("state"), config: try settings(folder, pki: pki, token: token))
            defer { if lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            let api = APIClient(base: lane.kiosk.baseURL)
            var office = HeadOfficeClient(base: lane.sync, folder: folder, pki: pki, token: token.text)
            _ = try await office.enrol()
            #expect(try await api.scan("6901234567892").status == 422, "not in the demo catalog")

            let csv = folder.appendingPathComponent("catalog.csv")
            try Data("""
                gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing
                6901234567892,Pushed Tea,推送茶,12.00,,B,,,
                6907674936533,"Carrots, 500 g",胡萝卜 500克,3.50,,Z,,,
                6901234567893,Bad Check Digit,,1.00,,B,,,

                """.utf8).write(to: csv)
            let auth = "Authorization: Bearer \(token.text)"
            let pushed = try await curl(lane.sync + "/sync/v1/catalog", in: folder, caFile: pki.certificate("ca"),
                                        headers: [auth, "Content-Type: text/csv"], extra: ["-X", "PUT", "--data-binary", "@\(csv.path)"])
            #expect(pushed.status == "200", "\(pushed.body)")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(pushed.body.utf8)) as? [String: Any])
            #expect((result["items"] as? Int) == 2 && (result["rejectedCount"] as? Int) == 1)
            let rejected = try #require((result["rejected"] as? [[String: Any]])?.first)
            #expect((rejected["line"] as? Int) == 4 && (rejected["code"] as? String) == "invalid-gtin", "\(rejected)")
            try await buy(api, items: ["6901234567892"])

            let blocked = try await office.request("/sync/v1/redeemed-coupons", method: "POST", json: #"{"ids":["SPRING-0042","SPRING-0042","X-1"]}"#)
            #expect(blocked.status == "200" && blocked.body == #"{"count":2}"#, "\(blocked.body)")

            // Refused, with the code and the field; nothing changes.
            let badKey = try await office.request("/sync/v1/coupon-keys", method: "PUT", json: #"{"keys":[{"id":"k1","publicKey":"AAAA"}]}"#)
            #expect(badKey.status == "400" && badKey.body == #"{"error":{"code":"bad-request","field":"keys[0].publicKey"}}"#, "\(badKey.body)")
            let twice = try await office.request("/sync/v1/staff", method: "PUT", json: """
                {"staff":[{"badge":"7","name":"A","pinSalt":"s","pinSHA256":"\(String(repeating: "a", count: 64))"},
                          {"badge":"7","name":"B","pinSalt":"s","pinSHA256":"\(String(repeating: "b", count: 64))"}]}
                """)
            #expect(twice.status == "400" && twice.body.contains("\"code\":\"bad-request\""), "\(twice.body)")
            let unknownField = try await office.request("/sync/v1/redeemed-coupons", method: "POST", json: #"{"ids":[],"admin":true}"#)
            #expect(unknownField.status == "400" && unknownField.body == #"{"error":{"code":"bad-request","field":"admin"}}"#)
            let notCSV = try await curl(lane.sync + "/sync/v1/catalog", in: folder, caFile: pki.certificate("ca"),
                                        headers: [auth, "Content-Type: text/plain"], extra: ["-X", "PUT", "--data-binary", "x"])
            #expect(notCSV.status == "415" && notCSV.body == #"{"error":{"code":"unsupported-media-type"}}"#)

            // Head office sees all of it in the journal: the catalog, the sale from it, the block.
            try await office.pullAll(limit: 100)
            let kinds = office.stored.compactMap { $0["kind"] as? String }
            #expect(kinds.contains("catalog-installed") && kinds.contains("coupons-redeemed-elsewhere"))
            #expect(!kinds.contains("coupon-keys-installed") && !kinds.contains("staff-list-installed"), "refused pushes journal nothing")
            #expect(office.stored.contains { ($0["writes"] as? String)?.contains("Pushed Tea") == true })
        }
    }

    /// Every route of the spec, with no credential, a wrong token, and a client certificate that is
    /// not listed (or self-signed): 401 and the fixed body. A listed certificate gets in.
    @Test func everyRouteRefusesWithoutTheRightCredential() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let config = try settings(folder, pki: pki, token: token, clientCertificate: try await pki.fingerprint("listed"))
            let lane = try await start(folder.appendingPathComponent("state"), config: config)
            defer { _ = lane.kiosk.terminate() }
            let spec = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/sync-api.yaml"), encoding: .utf8)
            var routes: [(method: String, path: String)] = []
            var path: String?
            for line in spec.split(separator: "\n") {
                if line.hasPrefix("  /") { path = String(line.dropFirst(2).dropLast()) }
                for method in ["get", "post", "put"] where line == "    \(method):" { routes.append((method.uppercased(), path!)) }
            }
            #expect(routes.count == 10 && routes.contains { $0.path == "/metrics" }, "\(routes)")
            // First (the refusals below get this address rate-limited): a listed certificate gets in.
            let listed = try await curl(lane.sync + "/sync/v1/lane", in: folder, caFile: pki.certificate("ca"),
                                        certificate: (pki.certificate("listed"), pki.key("listed")))
            #expect(listed.status == "200", "\(listed.body)")

            let wrongToken = SyncToken.generate().text
            for route in routes {
                let attempts: [(String, [String], (cert: String, key: String)?)] = [
                    ("none", [], nil),
                    ("wrong token", ["Authorization: Bearer \(wrongToken)"], nil),
                    ("unlisted certificate", [], (pki.certificate("unlisted"), pki.key("unlisted"))),
                    ("self-signed certificate", [], (pki.certificate("selfsigned"), pki.key("selfsigned"))),
                ]
                for (what, headers, certificate) in attempts {
                    let reply = try await curl(lane.sync + route.path, in: folder, caFile: pki.certificate("ca"), certificate: certificate,
                                               headers: headers + ["Content-Type: application/json"],
                                               extra: ["-X", route.method] + (route.method == "GET" ? [] : ["--data-binary", "{}"]))
                    #expect(reply.status == "401" && reply.body == #"{"error":{"code":"unauthorized"}}"#,
                            "\(route.method) \(route.path) with \(what): \(reply.status) \(reply.body)")
                }
            }
        }
    }
}
