import Foundation
import GRDB
import GRDBSQLite
import Retail
import Synchronization

/// The lane's catalog on disk: imported from CSV in the background, looked up by GTIN on every scan.
///
/// A directory holds `catalog.sqlite`, the control database (which versions exist and which one
/// is current, in GRDB/WAL), and one file per catalog version, `catalog-v<id>.sqlite`. An import
/// streams the CSV into a new version file, which nobody reads yet; once the file is complete
/// and on disk, one transaction in the control database makes it current, and the older files
/// are deleted. A lookup therefore sees one whole version, never part of one, and a failed import
/// leaves the current version as it was.
///
/// Because a version file never changes once published, the lane opens it `immutable=1` and
/// memory-mapped: a lookup takes no lock and starts no transaction. (In C on a 1,000,000-item
/// file here: a transaction per lookup ran 130k lookups/s, 190k in WAL; immutable 360-490k, as
/// fast as one long read transaction, without holding a snapshot open or needing to end it to
/// see a new version.)
///
/// One instance serves lookups from any thread (they are serialised on one connection). It sees an
/// import it ran itself at the next lookup, and one run by another process within `refreshInterval`
/// (or at `refresh()`). Imports are one at a time per directory, across processes (`flock`).
///
/// Errors: `CatalogStoreError`, `CatalogSQLiteError` (a version file) or GRDB's `DatabaseError`
/// (the control database).
public final class CatalogStore: Sendable {
    public let directory: String
    let control: DatabasePool
    private let reader: Mutex<ReaderState>
    /// Bumped by every version switch this process makes.
    private let generation = Atomic<Int>(0)
    private let refreshNanoseconds: UInt64

    static let controlFileName = "catalog.sqlite"
    static let lockFileName = "catalog.lock"

    private struct ReaderState {
        var current: CatalogVersionReader?
        var generation = -1
        var checkedAt: UInt64 = 0
    }

    /// Opens the store in `directory`, creating both if needed.
    public init(directory: String, refreshInterval: Duration = .seconds(1)) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.directory = directory
        var config = Configuration()
        config.busyMode = .timeout(10)  // another process's import may be switching versions
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        control = try DatabasePool(path: (directory as NSString).appendingPathComponent(Self.controlFileName),
                                   configuration: config)
        // As in LaneJournal: GRDB sets the writer back to NORMAL in WAL; a switch must survive power loss.
        try control.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(control)
        let (seconds, attoseconds) = refreshInterval.components
        refreshNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        reader = Mutex(ReaderState())
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalog-store") { db in
            try db.execute(sql: """
                -- Every import, in order; the row of a failed import says why.
                CREATE TABLE catalog_version (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    file TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('importing', 'current', 'replaced', 'failed')),
                    source TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    currency TEXT NOT NULL,
                    minor_digits INTEGER NOT NULL,
                    items INTEGER,
                    rejected_rows INTEGER,
                    failure TEXT
                );
                -- The pointer the lane follows: one row, switched in the transaction that publishes.
                CREATE TABLE catalog_current (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    version INTEGER NOT NULL REFERENCES catalog_version(id)
                );
                """)
        }
        return migrator
    }

    // MARK: - Lookups

    /// The current version's item for `gtin`, or nil when it has none (or there is no catalog yet).
    public func item(for gtin: GTIN) throws -> CatalogItem? {
        try reader.withLock { state throws -> CatalogItem? in
            try refreshIfDue(&state)
            return try state.current?.item(for: gtin)
        }
    }

    /// Several items from one version (none switches in between), in the order asked.
    public func items(for gtins: [GTIN]) throws -> [CatalogItem?] {
        try reader.withLock { state throws -> [CatalogItem?] in
            try refreshIfDue(&state)
            guard let current = state.current else { return gtins.map { _ in nil } }
            return try gtins.map { try current.item(for: $0) }
        }
    }

    /// The version lookups use now (after checking for a newer one).
    public func currentVersion() throws -> CatalogVersion? {
        try reader.withLock { state throws -> Int64? in
            try refreshIfDue(&state)
            return state.current?.version
        }.flatMap { id in try control.read { db in try Self.version(id: id, db) } }
    }

    /// Whether a version is current (after checking for a newer one, when a check is due): as cheap
    /// as a lookup, for a caller that falls back on something else until the first import.
    public func hasCurrentVersion() throws -> Bool {
        try reader.withLock { state throws -> Bool in
            try refreshIfDue(&state)
            return state.current != nil
        }
    }

    /// Every import this directory has seen, oldest first, failed ones included.
    public func history() throws -> [CatalogVersionRecord] {
        try control.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM catalog_version ORDER BY id").map(CatalogVersionRecord.init)
        }
    }

    /// Follows the current-version pointer now rather than at the next check.
    public func refresh() throws {
        try reader.withLock { state throws in try refresh(&state, now: Self.monotonicNanoseconds()) }
    }

    private func refreshIfDue(_ state: inout ReaderState) throws {
        let now = Self.monotonicNanoseconds()
        let switched = state.generation != generation.load(ordering: .acquiring)
        guard switched || now &- state.checkedAt >= refreshNanoseconds else { return }
        do {
            try refresh(&state, now: now)
        } catch where state.current != nil && !switched {
            // The periodic check for another process's import failed: keep selling from the
            // version in hand and try again after the interval; refresh() reports the error.
            state.checkedAt = now
        }
    }

    private func refresh(_ state: inout ReaderState, now: UInt64) throws {
        let seen = generation.load(ordering: .acquiring)
        // A version replaced between reading the pointer and opening its file is deleted by then:
        // read the pointer again.
        for attempt in 1...3 {
            let pointer = try control.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT v.id, v.file FROM catalog_current c JOIN catalog_version v ON v.id = c.version
                    """).map { (id: $0["id"] as Int64, file: $0["file"] as String) }
            }
            guard let pointer else {
                state.current = nil
                break
            }
            if state.current?.version == pointer.id { break }
            do {
                state.current = try CatalogVersionReader(path: path(pointer.file), expectedVersion: pointer.id)
                break
            } catch let error as CatalogSQLiteError where error.code & 0xFF == SQLITE_CANTOPEN && attempt < 3 {
                continue
            }
        }
        state.generation = seen
        state.checkedAt = now
    }

    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    func path(_ file: String) -> String { (directory as NSString).appendingPathComponent(file) }

    static func version(id: Int64, _ db: Database) throws -> CatalogVersion? {
        try Row.fetchOne(db, sql: "SELECT * FROM catalog_version WHERE id = ?", arguments: [id])
            .map { CatalogVersion(CatalogVersionRecord($0)) }
    }

    func bumpGeneration() { generation.add(1, ordering: .releasing) }
}

/// A published catalog version.
public struct CatalogVersion: Hashable, Sendable {
    public let id: Int64
    public let itemCount: Int
    /// Rows of the file that were reported and left out.
    public let rejectedRows: Int
    public let currency: Currency
    /// The file it was imported from, as given to the import.
    public let source: String
    public let importedAt: Date

    init(_ record: CatalogVersionRecord) {
        id = record.id
        itemCount = record.itemCount ?? 0
        rejectedRows = record.rejectedRows ?? 0
        currency = record.currency
        source = record.source
        importedAt = record.finishedAt ?? record.startedAt
    }
}

/// One import as the control database remembers it.
public struct CatalogVersionRecord: Hashable, Sendable {
    public enum State: String, Hashable, Sendable {
        /// Being imported (or interrupted: the next import marks it failed).
        case importing
        case current
        /// Was current; its file is deleted.
        case replaced
        case failed
    }

    public let id: Int64
    public let state: State
    public let source: String
    public let startedAt: Date
    public let finishedAt: Date?
    public let currency: Currency
    public let itemCount: Int?
    public let rejectedRows: Int?
    /// Why a failed import failed.
    public let failure: String?

    init(_ row: Row) {
        id = row["id"]
        state = State(rawValue: row["state"]) ?? .failed
        source = row["source"]
        startedAt = Date(timeIntervalSince1970: Double(row["started_at"] as Int64) / 1000)
        finishedAt = (row["finished_at"] as Int64?).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        currency = Currency(code: row["currency"], minorDigits: row["minor_digits"])
        itemCount = row["items"]
        rejectedRows = row["rejected_rows"]
        failure = row["failure"]
    }
}

public enum CatalogStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file cannot be imported at all (no header, missing columns...).
    case file(CatalogFileError)
    /// Not one row could be imported; the current version stays.
    case noItems(CatalogImportReport)
    /// More rows than `CatalogImportOptions.maximumRejectedRows` were bad; the current version stays.
    case tooManyRejectedRows(CatalogImportReport, limit: Int)
    /// Another import into the same directory is running.
    case importInProgress
    case io(path: String, operation: String, errno: Int32)
    /// A version file is not what the control database says it is.
    case corrupt(path: String, String)

    public var description: String {
        switch self {
        case .file(let error): return "catalog file: \(error)"
        case .noItems(let report): return "the catalog file has no valid rows (\(report.rejectedRows) rejected)"
        case .tooManyRejectedRows(let report, let limit):
            return "\(report.rejectedRows) catalog rows rejected, more than the \(limit) allowed; the current catalog stays"
        case .importInProgress: return "another catalog import is running"
        case .io(let path, let operation, let code): return "\(path): \(operation): \(String(cString: strerror(code)))"
        case .corrupt(let path, let why): return "catalog version \(path) is damaged: \(why)"
        }
    }
}
