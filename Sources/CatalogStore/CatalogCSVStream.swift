import Foundation
import Retail

// Streaming a catalog file through Retail's `CatalogCSV`, which reads a whole file at once.
//
// The file is cut into chunks of whole records, each chunk is read by `CatalogCSV` behind a copy
// of the header row, and the line numbers it reports are shifted back to the file's. Cutting in
// the right places needs the record boundaries exactly as Retail's CSVReader finds them (quoted
// line breaks, CR/LF/CRLF, the way it skips to the end of the line after a malformed field), so
// `CatalogRecordFramer` mirrors its rules; the tests compare every result with `CatalogCSV` on the
// whole file. Duplicate GTINs across chunks are the one thing `CatalogCSV` cannot see: a chunk is
// also cut before a GTIN it already holds, so `CatalogCSV` never meets a duplicate and the store
// applies the rule itself across the file (the first row to name a valid GTIN keeps it).

/// Finds record boundaries, physical line numbers and one column's content in CSV bytes, by the
/// rules of Retail's `CSVReader`; bytes may arrive in pieces.
struct CatalogRecordFramer {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, skipLine, afterCR }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
                        cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    private var state = State.fieldStart
    private var inRecord = false
    /// Inside quoted content the last byte was a CR: an LF right after it is the same line break.
    private var pendingCR = false
    private var utf8 = UTF8Check()

    /// The column whose content becomes `key`; -1 for none.
    let keyColumn: Int
    /// Whether to keep every field of each record (for the header).
    let collectsFields: Bool

    /// Physical line of the next byte, counted as CSVReader counts (CRLF, LF and a lone CR are one break).
    private(set) var line: Int
    // The record in progress, or the one `next` just completed:
    private(set) var recordLine = 1
    private(set) var fieldCount = 0
    /// CSVReader reports this record as a problem rather than as fields.
    private(set) var malformed = false
    private(set) var firstFieldEmpty = true
    /// The key column's content as a number, when it is 8, 12, 13 or 14 digits between spaces or
    /// tabs: what `GTIN(_:)` could accept, normalised, so equal GTINs have equal keys.
    private(set) var key: Int64?
    private(set) var fields: [[UInt8]] = []
    private var keyBytes: [UInt8] = []
    private var field: [UInt8] = []

    init(keyColumn: Int = -1, collectsFields: Bool = false, line: Int = 1) {
        self.keyColumn = keyColumn
        self.collectsFields = collectsFields
        self.line = line
        keyBytes.reserveCapacity(32)
    }

    /// Reads from `position` until a record is complete (true; `position` is just past it and the
    /// properties describe it) or the bytes run out (false; `position == bytes.count`, and the
    /// record goes on in the next bytes, or ends with `finish()` at the end of the input).
    mutating func next(_ bytes: UnsafeBufferPointer<UInt8>, from position: inout Int) -> Bool {
        var i = position
        defer { position = i }
        while i < bytes.count {
            let b = bytes[i]
            switch state {
            case .fieldStart:
                if !inRecord { startRecord() }
                if b == Self.quote {
                    state = .quoted
                    i += 1
                    continue
                }
                state = .unquoted
                fallthrough
            case .unquoted:
                switch b {
                case Self.comma:
                    i += 1
                    endFieldAtComma()
                case Self.lf:
                    i += 1
                    endField()
                    line += 1
                    complete()
                    return true
                case Self.cr:
                    i += 1
                    endField()
                    state = .afterCR
                case Self.quote:
                    // "quote inside an unquoted field": CSVReader skips to the end of the line.
                    i += 1
                    malformed = true
                    state = .skipLine
                default:
                    i += 1
                    content(b)
                }
            case .quoted:
                i += 1
                if b == Self.quote {
                    pendingCR = false
                    state = .quoteInQuoted
                    continue
                }
                content(b)
                if b == Self.lf {
                    if !pendingCR { line += 1 }
                    pendingCR = false
                } else if b == Self.cr {
                    line += 1
                    pendingCR = true
                } else {
                    pendingCR = false
                }
            case .quoteInQuoted:
                i += 1
                switch b {
                case Self.quote:
                    content(b)
                    state = .quoted
                case Self.comma:
                    endFieldAtComma()
                case Self.lf:
                    endField()
                    line += 1
                    complete()
                    return true
                case Self.cr:
                    endField()
                    state = .afterCR
                default:
                    // "text after a closing quote": skip to the end of the line.
                    malformed = true
                    state = .skipLine
                }
            case .skipLine:
                i += 1
                if b == Self.lf {
                    line += 1
                    complete()
                    return true
                }
                if b == Self.cr { state = .afterCR }
            case .afterCR:
                // The record ended with a CR; an LF right after it belongs to the same break.
                line += 1
                if b == Self.lf { i += 1 }
                complete()
                return true
            }
        }
        return false
    }

    /// At the end of the input: completes the record in progress, if there is one.
    mutating func finish() -> Bool {
        switch state {
        case .fieldStart:
            guard inRecord else { return false }
            endField()  // after a trailing comma: an empty last field
        case .unquoted, .quoteInQuoted:
            endField()
        case .quoted:
            malformed = true  // "a quoted field opened on this line is never closed"
        case .skipLine:
            break
        case .afterCR:
            line += 1
        }
        complete()
        return true
    }

    /// True for the records CSVReader calls blank (an empty line, or only `""`).
    var isBlank: Bool { !malformed && fieldCount == 1 && firstFieldEmpty }

    private mutating func startRecord() {
        inRecord = true
        recordLine = line
        fieldCount = 0
        malformed = false
        firstFieldEmpty = true
        key = nil
        keyBytes.removeAll(keepingCapacity: true)
        if collectsFields { fields.removeAll() }
        field.removeAll(keepingCapacity: true)
        utf8 = UTF8Check()
    }

    @inline(__always) private mutating func content(_ b: UInt8) {
        if fieldCount == 0 { firstFieldEmpty = false }
        if fieldCount == keyColumn, keyBytes.count < 32 { keyBytes.append(b) }
        if collectsFields { field.append(b) }
        utf8.add(b)
    }

    /// A field ended at a line break or the end of the input.
    private mutating func endField() {
        if !utf8.isComplete { malformed = true }  // "field N is not valid UTF-8"
        utf8 = UTF8Check()
        if fieldCount == keyColumn { key = Self.number(keyBytes) }
        if collectsFields {
            fields.append(field)
            field.removeAll(keepingCapacity: true)
        }
        fieldCount += 1
    }

    /// A field ended at a comma: the next field starts, unless this one was not UTF-8, in which
    /// case CSVReader skips to the end of the line (across any quotes).
    private mutating func endFieldAtComma() {
        let valid = utf8.isComplete
        endField()
        state = valid ? .fieldStart : .skipLine
    }

    private mutating func complete() {
        if malformed { key = nil }
        inRecord = false
        pendingCR = false
        state = .fieldStart
    }

    private static func number(_ bytes: [UInt8]) -> Int64? {
        var start = 0, end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard [8, 12, 13, 14].contains(end - start) else { return nil }
        var value: Int64 = 0
        for b in bytes[start..<end] {
            guard b >= 48, b <= 57 else { return nil }
            value = value * 10 + Int64(b - 48)
        }
        return value
    }
}

/// Incremental strict UTF-8 validation (no overlong forms, surrogates or code points past U+10FFFF),
/// as `String(validating:as:)` checks.
struct UTF8Check {
    private var needed: UInt8 = 0
    private var low: UInt8 = 0x80, high: UInt8 = 0xBF
    private(set) var invalid = false

    var isComplete: Bool { !invalid && needed == 0 }

    @inline(__always) mutating func add(_ b: UInt8) {
        if b < 0x80 {
            if needed != 0 { invalid = true }
            return
        }
        if needed > 0 {
            if b < low || b > high { invalid = true }
            needed -= 1
            low = 0x80
            high = 0xBF
            return
        }
        switch b {
        case 0xC2...0xDF: needed = 1
        case 0xE0: needed = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: needed = 2
        case 0xED: needed = 2; high = 0x9F
        case 0xF0: needed = 3; low = 0x90
        case 0xF1...0xF3: needed = 3
        case 0xF4: needed = 3; high = 0x8F
        default: invalid = true
        }
    }
}

/// What one row of the file came to.
enum CatalogRowOutcome: Sendable {
    case item(CatalogItem, line: Int, key: Int64)
    /// `claimedKey`: the row's GTIN was valid (its other columns were not), which by `CatalogCSV`'s
    /// rule still makes later rows with that GTIN duplicates.
    case rejected(line: Int, errors: [CatalogRowError], claimedKey: Int64?)
}

/// Where the CSV bytes come from.
enum CatalogCSVSource: Sendable {
    /// An open file descriptor, read to its end; the caller closes it.
    case file(descriptor: Int32, path: String)
    case bytes([UInt8])
}

/// Reads a catalog file in chunks and hands on each chunk's rows, in file order.
struct CatalogCSVChunker: Sendable {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    let csv: CatalogCSV
    let source: CatalogCSVSource
    /// A chunk is handed on once it holds at least this many bytes of records.
    let chunkBytes: Int
    /// A longer record is rejected without being read into memory.
    let maximumRecordBytes: Int
    var readBytes = 1 << 20

    /// Calls `emit` with the rows of each chunk; stops early when `emit` returns false.
    /// Throws `CatalogFileError` for a bad header, `CatalogStoreError` for a read error.
    func run(_ emit: ([CatalogRowOutcome]) throws -> Bool) throws {
        var input = CatalogByteReader(source: source, readBytes: readBytes)
        var pending: [UInt8] = []
        pending.reserveCapacity(chunkBytes + readBytes + 64 * 1024)
        var scan = 0

        // A byte-order mark is skipped at the start of the file only.
        while pending.count < 3, try input.read(into: &pending) {}
        if pending.starts(with: Self.byteOrderMark) { pending.removeFirst(3) }

        // The header: the first record that is not blank.
        var framer = CatalogRecordFramer(collectsFields: true)
        var headerEnd = 0
        while true {
            let complete = pending.withUnsafeBufferPointer { framer.next($0, from: &scan) }
            if complete, framer.isBlank {
                pending.removeSubrange(0..<scan)
                scan = 0
                continue
            }
            if scan > maximumRecordBytes {
                throw CatalogFileError.malformedHeader(line: framer.recordLine, reason: "longer than \(maximumRecordBytes) bytes")
            }
            if complete {
                headerEnd = scan
                break
            }
            if try !input.read(into: &pending) {
                guard framer.finish() else { throw CatalogFileError.noHeader }
                headerEnd = pending.count
                guard headerEnd <= maximumRecordBytes else {
                    throw CatalogFileError.malformedHeader(line: framer.recordLine, reason: "longer than \(maximumRecordBytes) bytes")
                }
                break
            }
        }
        let headerLine = framer.recordLine
        let headerLines = framer.line - headerLine
        var header = Array(pending[0..<headerEnd])
        // CSVReader would take a mark at the start of a chunk for the file's own: keep it as text.
        if header.starts(with: Self.byteOrderMark) { header = Self.byteOrderMark + header }
        do {
            _ = try csv.read(header)
        } catch {
            guard case .malformedHeader(let line, let reason) = error else { throw error }
            throw CatalogFileError.malformedHeader(line: line + headerLine - 1, reason: reason)
        }
        // CatalogCSV accepted the header, so it names a gtin column; its index, by CatalogCSV's rule.
        guard let gtinColumn = framer.fields.firstIndex(where: { field in
            String(String(decoding: field, as: UTF8.self).trimmingSpacesAndTabs).lowercased() == "gtin"
        }) else { throw CatalogFileError.missingColumns(["gtin"]) }
        pending.removeSubrange(0..<headerEnd)
        scan = 0

        var chunk = ChunkParser(csv: csv, header: header, headerLines: headerLines)
        framer = CatalogRecordFramer(keyColumn: gtinColumn, line: framer.line)
        var recordStart = 0
        var oversized = false
        var keys = Set<Int64>()

        /// Hands on the records before `end`, and forgets their bytes.
        func flush(upTo end: Int) throws -> Bool {
            let rows = try chunk.parse(pending[0..<end])
            pending.removeSubrange(0..<end)
            scan -= end
            recordStart -= end
            keys.removeAll(keepingCapacity: true)
            return try rows.isEmpty || emit(rows)
        }

        /// A record ended at `scan`.
        func recordEnded() throws -> Bool {
            if oversized || scan - recordStart > maximumRecordBytes {
                if !oversized, try !flush(upTo: recordStart) { return false }
                oversized = false
                pending.removeSubrange(recordStart..<scan)
                scan = recordStart
                let error = CatalogRowError(line: framer.recordLine, column: nil,
                                            message: "the row is longer than \(maximumRecordBytes) bytes (an unclosed quote?)")
                return try emit([.rejected(line: framer.recordLine, errors: [error], claimedKey: nil)])
            }
            if let key = framer.key {
                // CatalogCSV must not see a GTIN twice: the store judges duplicates across the file.
                if keys.contains(key), try !flush(upTo: recordStart) { return false }
                keys.insert(key)
            }
            chunk.records.append(.init(line: framer.recordLine, key: framer.key))
            recordStart = scan
            if recordStart >= chunkBytes { return try flush(upTo: recordStart) }
            return true
        }

        while true {
            let complete = pending.withUnsafeBufferPointer { framer.next($0, from: &scan) }
            if complete {
                guard try recordEnded() else { return }
                continue
            }
            if scan - recordStart > maximumRecordBytes {
                if !oversized {
                    guard try flush(upTo: recordStart) else { return }
                    oversized = true
                }
                pending.removeSubrange(recordStart..<scan)
                scan = recordStart
            }
            if try !input.read(into: &pending) {
                if framer.finish() {
                    scan = pending.count
                    guard try recordEnded() else { return }
                }
                _ = try flush(upTo: recordStart)
                return
            }
        }
    }

    /// Runs `CatalogCSV` on a stretch of records behind the header and matches what it reports to
    /// the records, fixing the line numbers.
    private struct ChunkParser {
        struct Record {
            let line: Int
            let key: Int64?
        }

        let csv: CatalogCSV
        let header: [UInt8]
        let headerLines: Int
        var records: [Record] = []
        private var input: [UInt8] = []

        init(csv: CatalogCSV, header: [UInt8], headerLines: Int) {
            self.csv = csv
            self.header = header
            self.headerLines = headerLines
        }

        mutating func parse(_ bytes: ArraySlice<UInt8>) throws -> [CatalogRowOutcome] {
            defer { records.removeAll(keepingCapacity: true) }
            guard !records.isEmpty else { return [] }
            input.removeAll(keepingCapacity: true)
            input.append(contentsOf: header)
            input.append(contentsOf: bytes)
            let result = try csv.read(input)
            // CatalogCSV numbers the first record after the header 1 + headerLines.
            let shift = records[0].line - 1 - headerLines

            var rows: [CatalogRowOutcome] = []
            rows.reserveCapacity(records.count)
            var items = result.items[...]
            var errors = result.errors[...]
            for record in records {
                if let first = errors.first, first.line + shift == record.line {
                    var rowErrors: [CatalogRowError] = []
                    while let error = errors.first, error.line + shift == record.line {
                        rowErrors.append(CatalogRowError(line: record.line, column: error.column, message: error.message))
                        errors.removeFirst()
                    }
                    let gtinAccepted = rowErrors.allSatisfy { $0.column != nil && $0.column != "gtin" }
                    rows.append(.rejected(line: record.line, errors: rowErrors, claimedKey: gtinAccepted ? record.key : nil))
                } else if let key = record.key, let item = items.first, CatalogVersionFile.key(item.gtin) == key {
                    rows.append(.item(item, line: record.line, key: key))
                    items.removeFirst()
                }
                // Otherwise a blank row (every field empty), which CatalogCSV skips.
            }
            guard items.isEmpty, errors.isEmpty else {
                throw CatalogStoreError.internalInconsistency(
                    "chunk at line \(records[0].line): \(items.count) items and \(errors.count) errors not matched to rows")
            }
            return rows
        }
    }
}

/// Reads the source in pieces, appending to a buffer.
private struct CatalogByteReader {
    let source: CatalogCSVSource
    let readBytes: Int
    private var offset = 0

    init(source: CatalogCSVSource, readBytes: Int) {
        self.source = source
        self.readBytes = readBytes
    }

    /// Appends the next bytes; false at the end of the input.
    mutating func read(into buffer: inout [UInt8]) throws -> Bool {
        switch source {
        case .bytes(let bytes):
            guard offset < bytes.count else { return false }
            let end = min(bytes.count, offset + readBytes)
            buffer.append(contentsOf: bytes[offset..<end])
            offset = end
            return true
        case .file(let descriptor, let path):
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: readBytes))
            while true {
                let n = buffer.withUnsafeMutableBytes { raw in
                    Glibc.read(descriptor, raw.baseAddress! + old, readBytes)
                }
                if n < 0, errno == EINTR { continue }
                guard n >= 0 else {
                    let code = errno
                    buffer.removeSubrange(old...)
                    throw CatalogStoreError.io(path: path, operation: "read", errno: code)
                }
                buffer.removeSubrange((old + n)...)
                return n > 0
            }
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs, as Retail's catalog reader trims.
    var trimmingSpacesAndTabs: Substring {
        let chars = self[...]
        guard let start = chars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = chars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return Substring("") }
        return Substring(chars[start...end])
    }
}
