import Foundation

/// A throwaway PostgreSQL of the tests' own: Debian's server binaries, `initdb` in a temporary
/// folder, listening only on a Unix socket in that folder (so clusters of parallel test
/// processes never meet), stopped when the tests end. Tests share one cluster, each with its own
/// database (`makeDatabase`); a test that restarts or kills the server starts a private one.
public final class PostgresCluster: Sendable {
    public let folder: URL
    /// The data directory, owned by the server's user.
    let data: URL
    let binaries: URL
    /// root may not run the server: it runs as Debian's `postgres` user then.
    let asUser: String?

    public static let port = 5432

    /// The cluster the test process shares, started on first use and stopped when the process exits.
    public static func shared() async throws -> PostgresCluster { try await SharedCluster.instance.cluster() }

    /// A new cluster, running. Stop it with `stop()`.
    public static func start(fileID: String = #fileID) async throws -> PostgresCluster {
        let folder = try temporaryDirectory("postgres", fileID: fileID)
        let cluster = try PostgresCluster(folder: folder)
        try await cluster.initialize()
        try await cluster.startServer()
        return cluster
    }

    init(folder: URL) throws {
        guard let binaries = Self.findBinaries() else {
            throw ToolFailed(description: "no PostgreSQL server under /usr/lib/postgresql/*/bin: scripts/setup installs Debian's postgresql")
        }
        self.folder = folder
        self.binaries = binaries
        data = folder.appendingPathComponent("data")
        asUser = getuid() == 0 ? "postgres" : nil
    }

    static func findBinaries() -> URL? {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.compactMap(Int.init).sorted().reversed()
            .map { root.appendingPathComponent("\($0)/bin") }
            .first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path) }
    }

    /// The server's socket folder, as libpq's `host=` takes it.
    public var socketFolder: String { folder.path }

    /// A libpq-style URL for `database` (kiosk-hq's `--database`).
    public func url(database: String) -> String {
        "postgres:///\(database)?host=\(socketFolder)&port=\(Self.port)&user=postgres"
    }

    /// A new, empty database; its URL.
    public func makeDatabase(_ prefix: String = "test") async throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        _ = try await psql(database: "postgres", "CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs SQL with psql (tab-separated, unaligned, no headers): its output.
    @discardableResult
    public func psql(database: String, _ sql: String) async throws -> String {
        let result = try await run("/usr/bin/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", "-h", socketFolder,
                                                     "-p", "\(Self.port)", "-U", "postgres", "-d", database, "-c", sql],
                                   in: folder, mergingErrors: true)
        guard result.status == 0 else { throw ToolFailed(description: "psql: \(result.output)") }
        return result.output
    }

    func initialize() async throws {
        if let asUser {
            try await check("chown", ["-R", "\(asUser):\(asUser)", folder.path])
            try await check("chmod", ["0700", folder.path])
        }
        try await check(binaries.appendingPathComponent("initdb").path,
                        ["-D", data.path, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asServer: true)
    }

    private let server = ServerProcess()
    var serverPID: Int32? { server.pid }

    /// Starts the server (again, after `stop` or `kill`) and waits until it takes connections.
    /// The postmaster is this process's own child, not daemonized by pg_ctl: Foundation notices a
    /// child's end through a descriptor the child inherits, and a daemon would hold it forever.
    public func startServer() async throws {
        let process = Process()
        let postgres = binaries.appendingPathComponent("postgres").path
        // Durability against power loss is not what these tests check (SIGKILL of the server is:
        // the WAL covers that), so fsync is off to keep the suite fast on small machines.
        let arguments = ["-D", data.path, "-c", "listen_addresses=", "-k", socketFolder, "-p", "\(Self.port)",
                         "-c", "fsync=off", "-c", "full_page_writes=off"]
        if let asUser {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=\(asUser)", "--regid=\(asUser)", "--init-groups", "--", postgres] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: postgres)
            process.arguments = arguments
        }
        let log = folder.appendingPathComponent("server.log")
        try appendOutput(of: process, to: log)
        try server.start(process)
        // Ready when pg_isready says so (a hang guard, not a timing: a slow machine only waits longer).
        for _ in 0..<1200 {
            let ready = try await run(binaries.appendingPathComponent("pg_isready").path,
                                      ["-q", "-h", socketFolder, "-p", "\(Self.port)", "-U", "postgres"], in: folder)
            if ready.status == 0 { return }
            guard server.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw ToolFailed(description: "PostgreSQL did not start: \(text.suffix(2000))")
    }

    /// A fast shutdown (sessions disconnected, a checkpoint), waited for.
    public func stop() async {
        await server.signal(SIGINT)
    }

    /// SIGKILL of the postmaster, as a crash: its backends end too; the next start recovers from the WAL.
    public func kill() async {
        await server.signal(SIGKILL)
        // Backends notice the postmaster's death and exit; wait until the socket is free again.
        for _ in 0..<600 where (try? FileManager.default.contentsOfDirectory(atPath: socketFolder))?.contains(".s.PGSQL.\(Self.port).lock") == true {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Stops the server and removes its folder.
    public func remove() async {
        await server.signal(SIGQUIT)
        try? FileManager.default.removeItem(at: folder)
    }

    private func check(_ tool: String, _ arguments: [String], asServer: Bool = false) async throws {
        let (executable, all) = asServer && asUser != nil
            ? ("/usr/bin/setpriv", ["--reuid=\(asUser!)", "--regid=\(asUser!)", "--init-groups", "--", tool] + arguments)
            : (tool, arguments)
        let result = try await run(executable, all, in: URL(fileURLWithPath: "/"), mergingErrors: true)
        guard result.status == 0 else {
            throw ToolFailed(description: "\(tool) \(arguments.joined(separator: " ")): \(result.output)")
        }
    }
}

/// The running postmaster, and a way to wait for its end.
final class ServerProcess: @unchecked Sendable {
    private let lock = NSLock()
    private var process: Process?
    private var ended: [CheckedContinuation<Void, Never>] = []

    var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }
    var pid: Int32? { lock.withLock { process?.processIdentifier } }

    func start(_ process: Process) throws {
        process.terminationHandler = { [weak self] _ in
            guard let self else { return }
            let waiting = self.lock.withLock { () -> [CheckedContinuation<Void, Never>] in
                self.process = nil
                defer { self.ended = [] }
                return self.ended
            }
            for continuation in waiting { continuation.resume() }
        }
        lock.withLock { self.process = process }
        try process.run()
    }

    /// Sends `signal` and waits until the postmaster has exited (at once if it is not running).
    func signal(_ signal: Int32) async {
        await withCheckedContinuation { continuation in
            let pid: Int32? = lock.withLock {
                guard let process, process.isRunning else { return nil }
                ended.append(continuation)
                return process.processIdentifier
            }
            if let pid { Foundation.kill(pid, signal) } else { continuation.resume() }
        }
    }
}

/// The test process's one shared cluster. The server also stops by itself within a minute once
/// its folder is gone (PostgreSQL checks its lock file), so a crashed test run leaves nothing.
private actor SharedCluster {
    static let instance = SharedCluster()
    private var starting: Task<PostgresCluster, any Error>?

    /// Every caller waits for the same start (the actor is reentrant across the await).
    func cluster() async throws -> PostgresCluster {
        if starting == nil {
            starting = Task {
                let cluster = try await PostgresCluster.start(fileID: "kiosktestsupport/shared")
                SharedClusterExit.register(cluster)
                return cluster
            }
        }
        return try await starting!.value
    }
}

private enum SharedClusterExit {
    nonisolated(unsafe) static var cluster: PostgresCluster?

    static func register(_ cluster: PostgresCluster) {
        Self.cluster = cluster
        atexit {
            guard let cluster = SharedClusterExit.cluster else { return }
            // The process is ending: an immediate shutdown, then the folder.
            if let pid = cluster.serverPID { kill(pid, SIGQUIT) }
            try? FileManager.default.removeItem(at: cluster.folder)
        }
    }
}
