import Foundation
import GRDB
import Retail

public struct CatalogImportOptions: Sendable {
    /// Refuse the file (the current version stays) when more rows than this are bad; nil: no limit.
    public var maximumRejectedRows: Int?
    /// How many row errors the report keeps; all are counted.
    public var reportedErrorLimit = 10_000
    /// The CSV is read and parsed this many bytes at a time (memory is a few chunks' rows).
    public var chunkBytes = 1 << 20
    /// A longer row is reported without being read into memory.
    public var maximumRowBytes = 1 << 20
    /// SQLite page cache while the version file is built (random-order inserts want the B-tree in memory).
    public var buildCacheKiB = 64 * 1024
    /// Called on the importing thread after each chunk of rows, with the counts so far.
    public var progress: (@Sendable (CatalogImportProgress) -> Void)?

    public init(maximumRejectedRows: Int? = nil) {
        self.maximumRejectedRows = maximumRejectedRows
    }
}

/// How far an import has got: rows read so far (imported and rejected).
public struct CatalogImportProgress: Hashable, Sendable {
    public let rows: Int
    public let rejectedRows: Int
}

/// What an import did with the file's rows.
public struct CatalogImportReport: Hashable, Sendable {
    public internal(set) var items = 0
    /// Rows left out; a row may have several errors.
    public internal(set) var rejectedRows = 0
    public internal(set) var errorCount = 0
    /// The first `reportedErrorLimit` errors, in file order.
    public internal(set) var errors: [CatalogRowError] = []

    public var errorsTruncated: Bool { errors.count < errorCount }
}

public struct CatalogImportResult: Hashable, Sendable {
    /// The version the import published; it is current when the import returns.
    public let version: CatalogVersion
    public let report: CatalogImportReport
}

extension CatalogStore {
    /// Imports a catalog CSV file as a new version and makes it current.
    ///
    /// The file is streamed through `CatalogCSV.Reader` (memory stays at a few chunks whatever its
    /// size). Bad rows are reported by line and left out, as `CatalogCSV` does; the same rows
    /// import, with the same errors, as `CatalogCSV.read` of the whole file (a row over
    /// `maximumRowBytes` aside). When it throws, the current version is unchanged and the history
    /// records why.
    @discardableResult
    public func importCSV(file path: String, format csv: CatalogCSV,
                          options: CatalogImportOptions = CatalogImportOptions()) throws -> CatalogImportResult {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CatalogStoreError.io(path: path, operation: "open", errno: errno) }
        return try importCSV(.file(descriptor: descriptor, path: path), source: path, csv: csv, options: options)
    }

    /// Imports catalog CSV bytes already in memory (`source` names them in the history).
    @discardableResult
    public func importCSV(bytes: [UInt8], source: String, format csv: CatalogCSV,
                          options: CatalogImportOptions = CatalogImportOptions()) throws -> CatalogImportResult {
        try importCSV(.bytes(bytes), source: source, csv: csv, options: options)
    }

    private func importCSV(_ input: CatalogCSVSource, source: String, csv: CatalogCSV,
                           options: CatalogImportOptions) throws -> CatalogImportResult {
        defer { if case .file(let descriptor, _) = input { close(descriptor) } }
        let lock = try ImportLock(path: path(Self.lockFileName))
        defer { lock.release() }
        try removeLeftovers()

        let startedAt = Self.milliseconds(Date())
        let id = try control.write { db -> Int64 in
            try db.execute(sql: """
                INSERT INTO catalog_version (file, state, source, started_at, currency, minor_digits)
                VALUES ('', 'importing', ?, ?, ?, ?)
                """, arguments: [source, startedAt, csv.currency.code, csv.currency.minorDigits])
            let id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE catalog_version SET file = ? WHERE id = ?", arguments: [Self.fileName(id), id])
            return id
        }
        let file = path(Self.fileName(id))
        do {
            let chunker = CatalogCSVChunker(csv: csv, source: input, chunkBytes: options.chunkBytes,
                                            maximumRecordBytes: options.maximumRowBytes)
            let report = try build(file, version: id, chunker: chunker, options: options)
            guard report.items > 0 else { throw CatalogStoreError.noItems(report) }
            if let limit = options.maximumRejectedRows, report.rejectedRows > limit {
                throw CatalogStoreError.tooManyRejectedRows(report, limit: limit)
            }
            chmod(file, 0o444)  // published versions are never written again
            try Self.sync(file)
            try Self.sync(directory)
            let version = try control.write { db -> CatalogVersion in
                try db.execute(sql: "UPDATE catalog_version SET state = 'replaced' WHERE state = 'current'")
                try db.execute(sql: """
                    UPDATE catalog_version SET state = 'current', finished_at = ?, items = ?, rejected_rows = ? WHERE id = ?
                    """, arguments: [Self.milliseconds(Date()), report.items, report.rejectedRows, id])
                try db.execute(sql: """
                    INSERT INTO catalog_current (id, version) VALUES (1, ?)
                    ON CONFLICT (id) DO UPDATE SET version = excluded.version
                    """, arguments: [id])
                return try Self.version(id: id, db)!
            }
            bumpGeneration()
            try? removeLeftovers()
            return CatalogImportResult(version: version, report: report)
        } catch {
            unlink(file)
            let failure: any Error = (error as? CatalogFileError).map { CatalogStoreError.file($0) } ?? error
            try? control.write { db in
                try db.execute(sql: "UPDATE catalog_version SET state = 'failed', finished_at = ?, failure = ? WHERE id = ?",
                               arguments: [Self.milliseconds(Date()), String(describing: failure), id])
            }
            throw failure
        }
    }

    /// Streams the rows into a new version file: one thread reads and parses chunks, this one inserts.
    private func build(_ file: String, version: Int64, chunker: CatalogCSVChunker,
                       options: CatalogImportOptions) throws -> CatalogImportReport {
        let writer = try CatalogVersionWriter(path: file, version: version, currency: chunker.csv.currency,
                                              cacheKiB: options.buildCacheKiB)
        let channel = CatalogChunkChannel(capacity: 2)
        let parsed = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do {
                try chunker.run { rows in channel.put(rows) }
                channel.finish(nil)
            } catch {
                channel.finish(error)
            }
            parsed.signal()
        }
        defer {
            channel.cancel()
            parsed.wait()
        }

        var report = CatalogImportReport()
        report.errors.reserveCapacity(min(options.reportedErrorLimit, 1024))
        // GTINs named by rows that were rejected for other columns: by CatalogCSV's rule they
        // still make later rows with the same GTIN duplicates. Few, so kept in memory.
        var claimedByRejectedRows: [Int64: Int] = [:]

        func reject(_ line: Int, _ errors: [CatalogRowError]) {
            report.rejectedRows += 1
            report.errorCount += errors.count
            for error in errors where report.errors.count < options.reportedErrorLimit { report.errors.append(error) }
        }

        while let rows = try channel.take() {
            for row in rows {
                switch row {
                case .item(let item, let line):
                    let key = CatalogVersionFile.key(item.gtin)
                    if !claimedByRejectedRows.isEmpty, let first = claimedByRejectedRows[key] {
                        reject(line, [.duplicate(item.gtin, line: line, firstLine: first)])
                    } else if try writer.add(item, key: key, line: line) {
                        report.items += 1
                    } else {
                        reject(line, [.duplicate(item.gtin, line: line, firstLine: try writer.line(of: key) ?? 0)])
                    }
                case .rejected(let line, var errors, let gtin):
                    if let gtin {
                        let key = CatalogVersionFile.key(gtin)
                        if let first = try claimedByRejectedRows[key] ?? writer.line(of: key) {
                            errors.append(.duplicate(gtin, line: line, firstLine: first))
                        } else {
                            claimedByRejectedRows[key] = line
                        }
                    }
                    reject(line, errors)
                }
            }
            options.progress?(CatalogImportProgress(rows: report.items + report.rejectedRows, rejectedRows: report.rejectedRows))
        }
        try writer.finish(items: report.items)
        return report
    }

    /// Deletes version files that are not current (replaced, failed, or left by a crash) and marks
    /// interrupted imports failed. Only with the import lock held: no file is being written then.
    func removeLeftovers() throws {
        let current = try control.write { db -> Int64? in
            try db.execute(sql: """
                UPDATE catalog_version SET state = 'failed', failure = 'interrupted' WHERE state = 'importing'
                """)
            return try Int64.fetchOne(db, sql: "SELECT version FROM catalog_current")
        }
        let keep = current.map(Self.fileName)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where name.hasPrefix("catalog-v") && name.hasSuffix(".sqlite") && name != keep {
            unlink(path(name))
        }
    }

    static func fileName(_ id: Int64) -> String { "catalog-v\(id).sqlite" }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CatalogStoreError.io(path: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CatalogStoreError.io(path: path, operation: "fsync", errno: errno) }
    }
}

/// An exclusive `flock` on the directory's lock file: one import at a time, across processes; the
/// kernel drops it if the process dies.
private struct ImportLock {
    let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CatalogStoreError.io(path: path, operation: "open", errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(descriptor)
            if code == EWOULDBLOCK { throw CatalogStoreError.importInProgress }
            throw CatalogStoreError.io(path: path, operation: "flock", errno: code)
        }
    }

    func release() { close(descriptor) }
}

/// Hands parsed chunks from the reading thread to the inserting one; holds at most `capacity`.
final class CatalogChunkChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var chunks: [[CatalogCSV.Row]] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false once the consumer has given up.
    func put(_ rows: [CatalogCSV.Row]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity, !cancelled { condition.wait() }
        guard !cancelled else { return false }
        chunks.append(rows)
        condition.broadcast()
        return true
    }

    func finish(_ error: (any Error)?) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        failure = error
        condition.broadcast()
    }

    /// The next chunk; nil at the end; the producer's error after the chunks before it.
    func take() throws -> [CatalogCSV.Row]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty, !finished { condition.wait() }
        if !chunks.isEmpty {
            condition.broadcast()
            return chunks.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        chunks.removeAll()
        condition.broadcast()
    }
}
