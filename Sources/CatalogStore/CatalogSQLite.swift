import GRDBSQLite

// The catalog's version files are read on the lane's scan path, where GRDB's per-access queue
// hop and `Row` decoding cost more than the B-tree lookup itself: on 1,000,000 items (release,
// same file, SQL and pragmas) a `DatabaseQueue.inDatabase` + cached statement + `Row` lookup ran
// 133k lookups/s (p50 6.2 us), this raw path 428k/s (p50 2.1 us), C 465k/s. These two owners hold
// the raw handles of the SQLite library GRDB links (the system libsqlite3), the way GRDB's own
// `Statement` does: one final class per C handle, freed in deinit. The control database, which
// is small and off the scan path, stays with GRDB.

/// A failed SQLite call, with the raw result code and what was being done.
public struct CatalogSQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The extended result code (`SQLITE_CONSTRAINT_PRIMARYKEY`, `SQLITE_CANTOPEN`, ...).
    public let code: Int32
    public let message: String
    public let operation: String
    public let path: String

    public var description: String {
        "catalog \(path): \(operation): \(message) (SQLite code \(code))"
    }
}

/// One SQLite connection to one catalog version file.
final class CatalogConnection {
    let handle: OpaquePointer
    let path: String

    /// `uri` is a `file:` URI (query parameters such as `immutable=1` apply); `path` is for messages.
    init(uri: String, path: String, flags: Int32) throws(CatalogSQLiteError) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(uri, &db, flags | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw CatalogSQLiteError(code: rc, message: message, operation: "open", path: path)
        }
        sqlite3_extended_result_codes(db, 1)
        handle = db
        self.path = path
    }

    deinit { sqlite3_close_v2(handle) }

    func error(_ code: Int32, _ operation: String) -> CatalogSQLiteError {
        CatalogSQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), operation: operation, path: path)
    }

    func execute(_ sql: String) throws(CatalogSQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else { throw error(rc, sql) }
    }

    func prepare(_ sql: String, persistent: Bool = false) throws(CatalogSQLiteError) -> CatalogStatement {
        try CatalogStatement(self, sql: sql, persistent: persistent)
    }

    /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    var changes: Int32 { sqlite3_changes(handle) }
}

/// A prepared statement, reset after each use.
final class CatalogStatement {
    let handle: OpaquePointer
    let connection: CatalogConnection
    let sql: String

    init(_ connection: CatalogConnection, sql: String, persistent: Bool) throws(CatalogSQLiteError) {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0,
                                    &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw connection.error(rc, "prepare \(sql)") }
        handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    @inline(__always) func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    @inline(__always) func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Binds a copy of the text (SQLITE_TRANSIENT), so the Swift string may go away.
    @inline(__always) func bind(_ index: Int32, _ value: String?) {
        guard var text = value else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { utf8 in
            if let base = utf8.baseAddress {
                let chars = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
                sqlite3_bind_text(handle, index, chars, Int32(utf8.count), catalogTransient)
            } else {
                sqlite3_bind_text(handle, index, "", 0, catalogTransient)  // "" is text, not NULL
            }
        }
    }

    /// Runs a statement that returns no row; resets it for the next use.
    func run(_ operation: @autoclosure () -> String) throws(CatalogSQLiteError) {
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard rc == SQLITE_DONE else { throw connection.error(rc, operation()) }
    }

    /// Steps once: true at a row, false when there is none. Call `reset()` when done with the row.
    @inline(__always) func step() throws(CatalogSQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        if rc == SQLITE_DONE { return false }
        throw connection.error(rc, sql)
    }

    @inline(__always) func reset() { sqlite3_reset(handle) }

    @inline(__always) func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    @inline(__always) func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    @inline(__always) func optionalInt64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite3_column_int64(handle, column)
    }

    @inline(__always) func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(handle, column) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    @inline(__always) func optionalString(_ column: Int32) -> String? {
        isNull(column) ? nil : string(column)
    }
}

/// SQLite's "copy the value now" destructor marker, which Swift does not import.
nonisolated(unsafe) let catalogTransient = unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self)
