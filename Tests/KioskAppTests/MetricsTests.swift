import Foundation
import KioskTestSupport
import Sync
import Testing

/// Prometheus's text format, as far as a test needs it: each sample line's series
/// (`name{labels}`, exactly as written) and value.
struct Exposition {
    let samples: [String: Double]

    init(_ text: String) throws {
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                throw Bad(line: String(line))
            }
            samples[String(line[..<space])] = value
        }
        self.samples = samples
    }

    struct Bad: Error { let line: String }

    subscript(_ series: String) -> Double? { samples[series] }

    /// The sum over every series of a metric (all its labels).
    func total(_ name: String) -> Double {
        samples.filter { $0.key == name || $0.key.hasPrefix(name + "{") }.values.reduce(0, +)
    }

    /// A histogram's buckets are cumulative and its +Inf bucket is its count.
    func histogramIsConsistent(_ name: String) -> Bool {
        let buckets = samples.filter { $0.key.hasPrefix(name + "_bucket{") }
            .map { (le: Double($0.key.split(separator: "\"")[1]) ?? .infinity, count: $0.value) }.sorted { $0.le < $1.le }
        guard let last = buckets.last, last.le == .infinity, last.count == self[name + "_count"] else { return false }
        return zip(buckets, buckets.dropFirst()).allSatisfy { $0.count <= $1.count }
    }
}

/// `/metrics` on the real executable's sync listener: a demo lane sells, head office's
/// Prometheus scrapes with its token over TLS, and each figure is what was done.
@Suite(.serialized) struct MetricsTests {
    let sync = SyncEndToEndTests()

    @Test func metricsCountWhatTheLaneDidBehindTheSyncCredential() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let lane = try await sync.start(folder.appendingPathComponent("state"), config: try sync.settings(folder, pki: pki, token: token))
            defer { if lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            let api = APIClient(base: lane.kiosk.baseURL)
            func scrape(token: String?) async throws -> CurlReply {
                try await curl(lane.sync + "/metrics", in: folder, caFile: pki.certificate("ca"),
                               headers: token.map { ["Authorization: Bearer \($0)"] } ?? [])
            }

            // Without the credential: the sync listener's 401, like any of its routes.
            for attempt in [nil, SyncToken.generate().text] {
                let refused = try await scrape(token: attempt)
                #expect(refused.status == "401" && refused.body == #"{"error":{"code":"unauthorized"}}"#, "\(refused.body)")
                #expect(!refused.body.contains("kiosk_"))
            }

            // 1 unknown item (refused), then 3 items bought and paid.
            #expect(try await api.scan("6901234567892").status == 422)
            try await sync.buy(api, items: ["6907674936533", "6907674936533", "6907674936533"])

            let reply = try await scrape(token: token.text)
            #expect(reply.status == "200")
            #expect(reply.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            let metrics = try Exposition(reply.body)
            #expect(metrics[#"kiosk_scans_total{kind="item",outcome="accepted"}"#] == 3, "\(reply.body)")
            #expect(metrics[#"kiosk_scans_total{kind="item",outcome="refused"}"#] == 1)
            #expect(metrics.total("kiosk_scans_total") == 4, "no other kind or outcome")
            #expect(metrics[#"kiosk_scans_total{kind="wallet",outcome="refused"}"#] == 0, "every series is there from the start")
            #expect(metrics[#"kiosk_payments_total{outcome="approved"}"#] == 1)
            #expect(metrics.total("kiosk_payments_total") == 1)
            #expect(metrics["kiosk_payment_duration_seconds_count"] == 1)
            // Every scan whose result reached the page, the refused unknown item included.
            #expect(metrics["kiosk_scan_to_cart_seconds_count"] == 4)
            #expect(metrics[#"kiosk_printer_state{state="simulated"}"#] == 1)
            #expect(metrics.total("kiosk_printer_state") == 1, "one state at a time")
            #expect(metrics["kiosk_receipts_not_printed"] == 0)
            #expect(metrics.total("kiosk_camera_reads_total") == 0)
            for histogram in ["kiosk_scan_to_cart_seconds", "kiosk_payment_duration_seconds", "kiosk_journal_append_duration_seconds"] {
                #expect(metrics.histogramIsConsistent(histogram), "\(histogram): \(reply.body)")
            }

            // The journal's own figures: one append timed per event, the backlog as head office sees it.
            var office = HeadOfficeClient(base: lane.sync, folder: folder, pki: pki, token: token.text)
            let status = try await office.enrol()
            let newest = try #require((status["newestSeq"] as? NSNumber)?.doubleValue)
            #expect(metrics["kiosk_journal_append_duration_seconds_count"] == newest)
            #expect(metrics["kiosk_sync_unacknowledged_events"] == (status["backlog"] as? NSNumber)?.doubleValue)
            #expect(newest > 5)
            try await office.pullAll(limit: 100)
            #expect(try await office.acknowledge().status == "200")
            let after = try Exposition(try await scrape(token: token.text).body)
            #expect(after["kiosk_sync_unacknowledged_events"] == 0, "acknowledged: nothing waits")
            #expect(after["kiosk_journal_append_duration_seconds_count"] == newest + 1, "the acknowledgement is journaled too")

            // Low cardinality: no sale, code or token in any label.
            #expect(!reply.body.contains("6907674936533") && !reply.body.contains("6901234567892") && !reply.body.contains("L07-"))
            #expect(await lane.kiosk.stop(timeout: 180) == 0)
            #expect(!lane.kiosk.log.contains(token.text))
        }
    }

    /// The camera's reads and the frames it could not use: a code held up for four frames is one
    /// read (and one item scanned), a file that is no image one rejected frame.
    @Test func cameraReadsAndRejectedFramesAreCounted() async throws {
        let item = try TestFrames.entry("ean13", "640x480").file // Carrots, 500 g: 6907674936533
        try await withTemporaryDirectory { folder in
            let frames = folder.appendingPathComponent("frames")
            try FileManager.default.createDirectory(at: frames, withIntermediateDirectories: true)
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let config = try sync.settings(folder, pki: pki, token: token, more: #""camera": {"source": "\#(frames.path)", "fps": 10},"#)
            let lane = try await sync.start(folder.appendingPathComponent("state"), config: config)
            defer { if lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            let api = APIClient(base: lane.kiosk.baseURL)
            let camera = CameraLaneTests()
            func metrics() async throws -> Exposition {
                try Exposition(try await curl(lane.sync + "/metrics", in: folder, caFile: pki.certificate("ca"),
                                              headers: ["Authorization: Bearer \(token.text)"]).body)
            }
            let running = try await api.waitForState(timeout: 180) { ($0["devices"] as? [String: Any])?["camera"] as? String == "running" }
            #expect(running != nil, "\(lane.kiosk.log)")

            for frame in 1...4 { try camera.show(item, in: frames, as: String(format: "%04d", frame)) }
            let added = try await api.waitForState(timeout: 180) { camera.quantity(of: "6907674936533", in: $0) == 1 }
            #expect(added != nil, "\(lane.kiosk.log)")
            let notAnImage = folder.appendingPathComponent("not-an-image.pgm")
            try Data("P5 this is not an image".utf8).write(to: notAnImage)
            try camera.show(notAnImage, in: frames, as: "0005")
            let counted = try await poll(30, every: .milliseconds(200)) {
                let now = try await metrics()
                return now["kiosk_camera_frames_rejected_total"] == 1 ? now : nil
            }
            let after = try #require(counted, "\(lane.kiosk.log)")
            #expect(after[#"kiosk_camera_reads_total{outcome="accepted"}"#] == 1)
            #expect(after.total("kiosk_camera_reads_total") == 1)
            #expect(after[#"kiosk_scans_total{kind="item",outcome="accepted"}"#] == 1)
            #expect(await lane.kiosk.stop(timeout: 180) == 0)
        }
    }

    /// Prometheus itself (Debian's `prometheus`): its `promtool` accepts the exposition, and its
    /// server scrapes the lane over TLS with the token from a file, as the README's scrape config
    /// says, and answers a query with what the lane did.
    @Test func prometheusScrapesTheLaneWithItsToken() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let lane = try await sync.start(folder.appendingPathComponent("state"), config: try sync.settings(folder, pki: pki, token: token))
            defer { if lane.kiosk.process.isRunning { lane.kiosk.kill9() } }
            try await sync.buy(APIClient(base: lane.kiosk.baseURL), items: ["6907674936533", "6907674936533"])

            let exposition = folder.appendingPathComponent("metrics.txt")
            try Data(try await curl(lane.sync + "/metrics", in: folder, caFile: pki.certificate("ca"),
                                    headers: ["Authorization: Bearer \(token.text)"]).body.utf8).write(to: exposition)
            // Its linter's one complaint is the missing HELP lines: swift-prometheus's swift-metrics
            // factory has no help text to write (the README's table is the metrics' help).
            let lint = try await run("sh", ["-c", "promtool check metrics < metrics.txt"], in: folder, mergingErrors: true)
            let problems = lint.output.split(separator: "\n").filter { !$0.hasSuffix(" no help text") }
            #expect([0, 3].contains(lint.status) && problems.isEmpty, "\(lint.output)")

            let tokenFile = folder.appendingPathComponent("token")
            try Data(token.text.utf8).write(to: tokenFile)
            let target = try #require(lane.sync.split(separator: "/").last.map(String.init))
            let port = try freeLoopbackPort()
            try Data("""
                global: {scrape_interval: 1s, scrape_timeout: 1s}
                scrape_configs:
                  - job_name: kiosk
                    scheme: https
                    authorization: {type: Bearer, credentials_file: \(tokenFile.path)}
                    tls_config: {ca_file: \(pki.certificate("ca"))}
                    static_configs: [{targets: ["\(target)"]}]
                """.utf8).write(to: folder.appendingPathComponent("prometheus.yml"))
            let prometheus = Process()
            prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
            prometheus.arguments = ["--config.file", folder.appendingPathComponent("prometheus.yml").path,
                                    "--storage.tsdb.path", folder.appendingPathComponent("tsdb").path,
                                    "--web.listen-address", "127.0.0.1:\(port)"]
            prometheus.standardOutput = FileHandle.nullDevice
            prometheus.standardError = FileHandle.nullDevice
            try prometheus.run()
            defer { prometheus.terminate() }
            let query = "http://127.0.0.1:\(port)/api/v1/query?query=kiosk_scans_total%7Bkind%3D%22item%22%2Coutcome%3D%22accepted%22%7D"
            let answer = await poll(120, every: .milliseconds(500)) { () async -> String? in
                guard let reply = try? await curl(query, in: folder), reply.body.contains(#""value":["#) else { return nil }
                return reply.body
            }
            let body = try #require(answer, "Prometheus never had the lane's scans")
            #expect(body.contains(#""job":"kiosk""#) && body.hasSuffix(#","2"]}]}}"#), "\(body)")
        }
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick for port 0).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ToolFailed(description: "socket: \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw ToolFailed(description: "bind: \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}
