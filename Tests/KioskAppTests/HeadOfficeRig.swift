import Foundation
import GRDB
import Journal
import KioskTestSupport
import Sync

/// Real lanes, the real `kiosk-hq` and a real PostgreSQL, for head office's fault tests.
///
/// A lane's journal is written by `kiosk-bench journal-generate` (the real LaneEngine over a
/// signing LaneJournal: real sales, hashes and signed heads, thousands of events in seconds), then
/// served by a real `kiosk run --demo` with its sync listener on a fixed loopback port (so a lane
/// restarted, or another copy of it, is found at the address head office enrolled). Loopback
/// listeners take plain HTTP (the TLS path has its own end-to-end tests); the credential is a
/// real bearer token.
final class HeadOfficeRig: @unchecked Sendable {
    let folder: URL
    let cluster: PostgresCluster
    let database: String
    let token = SyncToken.generate()
    let tokenFile: URL
    private(set) var running: [String: KioskProcess] = [:]
    private(set) var ports: [String: Int] = [:]

    static var binaries: URL { KioskProcess.binary.deletingLastPathComponent() }
    static var hq: URL { binaries.appendingPathComponent("kiosk-hq") }

    /// A migrated database in `cluster` (a fresh one: the shared cluster's, or a private one).
    init(folder: URL, cluster: PostgresCluster) async throws {
        self.folder = folder
        self.cluster = cluster
        let url = try await cluster.makeDatabase("faults")
        database = String(url.dropFirst("postgres:///".count).prefix { $0 != "?" })
        tokenFile = folder.appendingPathComponent("token")
        guard FileManager.default.createFile(atPath: tokenFile.path, contents: Data((token.text + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else { throw ToolFailed(description: "token file") }
        try check(try await hq(["migrate"]))
    }

    var url: String { cluster.url(database: database) }

    func state(_ lane: String) -> URL { folder.appendingPathComponent("lanes/\(lane)") }
    func config(_ lane: String) -> URL { folder.appendingPathComponent("lanes/\(lane).json") }

    /// A lane's state folder with a journal of at least `events` events, and its settings (a fixed
    /// sync port). Lane ids are letters and digits, as a lane's settings require.
    func generate(_ lane: String, events: Int, seed: UInt64) async throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("lanes"), withIntermediateDirectories: true)
        // Written on tmpfs (every event is a synchronous SQLite commit), then moved beside the others.
        let scratch = URL(fileURLWithPath: "/dev/shm/kiosk-hq-faults-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try check(try await run(Self.binaries.appendingPathComponent("kiosk-bench").path,
                                ["journal-generate", repositoryRoot.appendingPathComponent("assets").path, scratch.path,
                                 "\(events)", "\(seed)", lane], in: folder, mergingErrors: true))
        try FileManager.default.moveItem(at: scratch, to: state(lane))
        let port = try freeLoopbackPort()
        ports[lane] = port
        try Data(#"""
            {"laneID": "\#(lane)", "usbDevices": false,
             "sync": {"listen": "127.0.0.1:\#(port)", "tokens": [{"name": "hq", "sha256": "\#(token.sha256Hex)"}]}}
            """#.utf8).write(to: config(lane))
    }

    /// Serves `lane` from `stateFolder` (its own by default: another copy of it for a fork).
    @discardableResult
    func start(_ lane: String, from stateFolder: URL? = nil) async throws -> KioskProcess {
        let kiosk = try await KioskProcess(stateDirectory: stateFolder ?? state(lane), extraArguments: ["--config", config(lane).path])
        guard await kiosk.waitForLine(containing: "kiosk sync ready on") != nil else {
            kiosk.kill9()
            throw ToolFailed(description: "lane \(lane) has no sync listener: \(kiosk.log)")
        }
        running[lane] = kiosk
        return kiosk
    }

    func kill(_ lane: String) {
        running.removeValue(forKey: lane)?.kill9()
    }

    func stop(_ lane: String) async {
        if let kiosk = running.removeValue(forKey: lane) { _ = await kiosk.stop(timeout: 60) }
    }

    /// Other children of the test (a proxy), killed with the lanes.
    private var others: [Process] = []

    func own(_ process: Process) {
        others.append(process)
    }

    func stopAll() {
        for lane in Array(running.keys) { kill(lane) }
        for process in others where process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// `kiosk lanes add` for a lane: its key from `kiosk lane identity`, its address (the lane's
    /// own port, or a proxy's in front of it).
    func enrol(_ lane: String, port: Int? = nil) async throws {
        let identity = try await run(KioskProcess.binary.path, ["lane", "identity", "--state-dir", state(lane).path,
                                                                "--config", config(lane).path], in: folder)
        guard let key = identity.output.split(separator: "\n").first(where: { $0.hasPrefix("public key") })?.split(separator: " ").last else {
            throw ToolFailed(description: "kiosk lane identity: \(identity.output)")
        }
        try check(try await hq(["lanes", "add", lane, "--store", "S1", "--public-key", String(key),
                                "--address", "http://127.0.0.1:\(port ?? ports[lane]!)", "--token-file", tokenFile.path]))
    }

    /// kiosk-hq with `--database` of this rig: exit status and output (errors mixed in).
    func hq(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await run(Self.hq.path, arguments + ["--database", url], in: folder, mergingErrors: true)
    }

    /// `kiosk-hq collect` running until stopped (a child of the test: `kill(pid, SIGKILL)` is a crash).
    /// Small pages make many transactions: many moments to crash in.
    /// `timeout`: a call or a database step that takes longer is abandoned and its round retried.
    func startCollector(interval: String = "0.2", pageLimit: Int = 200, timeout: Int = 15) throws -> Process {
        let process = Process()
        process.executableURL = Self.hq
        process.arguments = ["collect", "--interval", interval, "--page-limit", "\(pageLimit)", "--timeout", "\(timeout)", "--database", url]
        let log = folder.appendingPathComponent("collector.log")
        try appendOutput(of: process, to: log)
        try process.run()
        return process
    }

    /// What the collectors started by `startCollector` wrote.
    var collectorLog: String {
        (try? String(contentsOf: folder.appendingPathComponent("collector.log"), encoding: .utf8)) ?? ""
    }

    func check(_ result: (status: Int32, output: String)) throws {
        guard result.status == 0 else { throw ToolFailed(description: "exit \(result.status): \(result.output)") }
    }

    // MARK: What head office holds, and what the lane holds

    /// Head office's events of a lane: count, newest seq, the hash at it (hex), and a digest of
    /// every stored (seq, hash), to tell that nothing stored was overwritten.
    struct Stored: Equatable {
        let count: Int64, newest: Int64, hash: String, digest: String
    }

    func stored(_ lane: String) async throws -> Stored {
        let row = try await cluster.psql(database: database, """
            SELECT count(*), coalesce(max(seq), 0),
                   coalesce((SELECT encode(hash, 'hex') FROM event WHERE lane = '\(lane)' ORDER BY seq DESC LIMIT 1), ''),
                   md5(coalesce(string_agg(seq || ':' || encode(hash, 'hex'), ',' ORDER BY seq), ''))
            FROM event WHERE lane = '\(lane)'
            """).trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t", omittingEmptySubsequences: false)
        return Stored(count: Int64(row[0])!, newest: Int64(row[1])!, hash: String(row[2]), digest: String(row[3]))
    }

    func totalStored() async throws -> Int64 {
        Int64(try await cluster.psql(database: database, "SELECT count(*) FROM event").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The lane's own journal, read beside the running lane (WAL: readers do not block it).
    func laneJournal<T>(_ lane: String, from stateFolder: URL? = nil, _ read: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: (stateFolder ?? state(lane)).appendingPathComponent("journal.sqlite").path,
                                      configuration: configuration)
        return try queue.read(read)
    }

    /// The lane's newest seq and the hash of `seq` (hex) in its journal.
    func laneNewest(_ lane: String) throws -> Int64 {
        try laneJournal(lane) { try Int64.fetchOne($0, sql: "SELECT coalesce(max(seq), 0) FROM event") ?? 0 }
    }

    func laneHash(_ lane: String, seq: Int64) throws -> String? {
        try laneJournal(lane) { db in
            try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = ?", arguments: [seq]).map { Hex.encode(Array($0)) }
        }
    }

    /// The lane's sales up to `seq`, as head office must hold them: (id, total, item count, lines,
    /// sum of line amounts, tax rows, sum of tax), sorted by id.
    func laneSales(_ lane: String, upTo seq: Int64) throws -> [String] {
        try laneJournal(lane) { db in
            try String.fetchAll(db, sql: """
                SELECT s.id || '|' || s.total || '|' || s.item_count || '|'
                       || (SELECT count(*) || '|' || coalesce(sum(amount), 0) FROM sale_line WHERE sale_id = s.id) || '|'
                       || (SELECT count(*) || '|' || coalesce(sum(tax), 0) FROM sale_tax WHERE sale_id = s.id)
                FROM sale s WHERE s.seq <= ? ORDER BY s.id
                """, arguments: [seq])
        }
    }

    func storedSales(_ lane: String) async throws -> [String] {
        try await cluster.psql(database: database, """
            SELECT s.id || '|' || s.total || '|' || s.item_count || '|'
                   || (SELECT count(*) || '|' || coalesce(sum(amount), 0) FROM sale_line l WHERE l.lane = s.lane AND l.sale_id = s.id) || '|'
                   || (SELECT count(*) || '|' || coalesce(sum(tax), 0) FROM sale_tax t WHERE t.lane = s.lane AND t.sale_id = s.id)
            FROM sale s WHERE s.lane = '\(lane)' ORDER BY s.id COLLATE "C"
            """).split(separator: "\n").map(String.init)
    }

    /// Exactly once: head office holds seq 1 to its newest, each once (count == newest), the hash
    /// at its newest is the lane's, it reached at least `atLeast`, and the sales rows are the lane's.
    func expectExactlyOnce(_ lane: String, atLeast: Int64) async throws -> [String] {
        var problems: [String] = []
        let held = try await stored(lane)
        if held.count != held.newest { problems.append("\(lane): \(held.count) events stored for seq 1...\(held.newest) (gap or duplicate)") }
        if held.newest < atLeast { problems.append("\(lane): stored up to \(held.newest), the lane had \(atLeast)") }
        if try laneHash(lane, seq: held.newest) != held.hash { problems.append("\(lane): the hash at \(held.newest) is not the lane's") }
        let sales = try laneSales(lane, upTo: held.newest)
        let storedSales = try await storedSales(lane)
        if sales != storedSales { problems.append("\(lane): \(storedSales.count) sales stored, the lane has \(sales.count) up to \(held.newest)") }
        if sales.isEmpty { problems.append("\(lane): no sale to compare") }
        return problems
    }

    /// The lane's cursor row: quarantine reason (nil when not quarantined) and last error.
    func quarantine(_ lane: String) async throws -> String? {
        let reason = try await cluster.psql(database: database, "SELECT coalesce(quarantine_reason, '') FROM lane_cursor WHERE lane = '\(lane)'")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return reason.isEmpty ? nil : reason
    }

    func evidence(_ lane: String) async throws -> [String] {
        try await cluster.psql(database: database, "SELECT reason || ' ' || detail::text FROM quarantine_evidence WHERE lane = '\(lane)' ORDER BY id")
            .split(separator: "\n").map(String.init)
    }
}
