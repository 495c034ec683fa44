/// The kiosk's one CSV tokenizer (RFC 4180), fed bytes in pieces of any size: comma-separated
/// fields, double-quoted fields that may hold commas, line breaks and `""` for a quote; records
/// end with CRLF or LF (a lone CR counts as a line break too); a leading UTF-8 byte-order mark is
/// skipped.
///
/// It works on bytes: every byte it looks for is ASCII, and UTF-8 never uses ASCII bytes inside a
/// multi-byte character, so the input may be cut anywhere, even inside a character, a quoted
/// field or a CRLF. Each field is then decoded strictly. A whole file read at once and the same
/// file fed in pieces give the same records.
///
/// A record that cannot be split into fields is reported as a `Problem` with the line it starts
/// on, and reading goes on after the next line break (quotes no longer count once a record has
/// gone wrong). Memory is the record in progress, never the input; with `maximumRecordBytes`, a
/// longer record is skipped by the same rules without being kept, and reported as too long.
struct CSVTokenizer: Sendable {
    struct Record: Hashable, Sendable {
        /// 1-based physical line on which the record starts.
        let line: Int
        let fields: [String]

        /// An empty line (or one holding only `""`).
        var isBlank: Bool { fields.count == 1 && fields[0].isEmpty }
    }

    /// A record that could not be split into fields.
    struct Problem: Error, Hashable, Sendable {
        enum Kind: Hashable, Sendable {
            case unclosedQuote
            case textAfterClosingQuote
            case quoteInUnquotedField
            /// `field` is 1-based.
            case invalidUTF8(field: Int)
            /// Over the tokenizer's `maximumRecordBytes` (line breaks that end it not counted).
            case tooLong(limit: Int)
        }

        let line: Int
        let kind: Kind

        var message: String {
            switch kind {
            case .unclosedQuote: "a quoted field opened on this line is never closed"
            case .textAfterClosingQuote: "text after a closing quote (a field with quotes must be quoted whole)"
            case .quoteInUnquotedField: "quote inside an unquoted field (quote the field and double the quote)"
            case .invalidUTF8(let field): "field \(field) is not valid UTF-8"
            case .tooLong(let limit): "longer than \(limit) bytes"
            }
        }
    }

    typealias Output = Result<Record, Problem>

    private enum State: Sendable {
        case fieldStart, unquoted, quoted
        /// A quote inside a quoted field: a second quote, or the end of the field.
        case quoteInQuoted
        /// The record went wrong: to the next line break, quotes or not.
        case skipLine
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
                        cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    let maximumRecordBytes: Int?

    private var state = State.fieldStart
    /// Bytes of a byte-order mark seen at the start of the input; 3 or -1 once past the start.
    private var markBytes = 0
    private var inRecord = false
    /// The last record ended with a CR: an LF right after it is the same line break.
    private var skipLF = false
    /// Inside quoted content the last byte was a CR: an LF right after it is the same line break.
    private var quotedCR = false
    /// The physical line of the next byte (CRLF, LF and a lone CR are one break each).
    private var line = 1

    // The record in progress.
    private var recordLine = 1
    private var recordBytes = 0
    private var problem: Problem.Kind?
    /// Over `maximumRecordBytes`: its fields are no longer kept, only checked (as UTF-8) to find its end.
    private var oversized = false
    private var utf8 = UTF8Check()
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var fieldsHint = 0

    init(maximumRecordBytes: Int? = nil) {
        self.maximumRecordBytes = maximumRecordBytes
    }

    /// The records `chunk` completes, in order (a record is reported once its line break arrives).
    mutating func feed(_ chunk: some Collection<UInt8>) -> [Output] {
        var out: [Output] = []
        if chunk.withContiguousStorageIfAvailable({ consume($0, into: &out) }) == nil {
            Array(chunk).withUnsafeBufferPointer { consume($0, into: &out) }
        }
        return out
    }

    /// At the end of the input: the last record, when no line break ended it. The tokenizer is
    /// then back at the start of an input.
    mutating func finish() -> [Output] {
        var out: [Output] = []
        if markBytes > 0, markBytes < 3 {
            // The input began like a byte-order mark and ended: those bytes are text.
            let partial = Self.byteOrderMark.prefix(markBytes)
            markBytes = -1
            Array(partial).withUnsafeBufferPointer { consumeRecords($0, from: 0, into: &out) }
        }
        if inRecord {
            switch state {
            case .fieldStart, .unquoted, .quoteInQuoted:
                endField(atComma: false)
            case .quoted:
                if problem == nil { problem = .unclosedQuote }
            case .skipLine:
                break
            }
            endRecord(into: &out, cr: false)
        }
        self = CSVTokenizer(maximumRecordBytes: maximumRecordBytes)
        return out
    }

    /// Every record of a whole input.
    static func records(_ bytes: some Collection<UInt8>, maximumRecordBytes: Int? = nil) -> [Output] {
        var tokenizer = CSVTokenizer(maximumRecordBytes: maximumRecordBytes)
        return tokenizer.feed(bytes) + tokenizer.finish()
    }

    private mutating func consume(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [Output]) {
        var i = 0
        if markBytes >= 0, markBytes < 3 {
            while i < bytes.count, markBytes < 3, bytes[i] == Self.byteOrderMark[markBytes] {
                markBytes += 1
                i += 1
            }
            guard markBytes == 3 || i < bytes.count else { return }  // all of it a mark so far
            let partial = markBytes == 3 ? 0 : markBytes
            markBytes = -1
            if partial > 0 {
                // Not a mark after all: its first bytes are text.
                Array(Self.byteOrderMark.prefix(partial)).withUnsafeBufferPointer { consumeRecords($0, from: 0, into: &out) }
            }
        }
        consumeRecords(bytes, from: i, into: &out)
    }

    private mutating func consumeRecords(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into out: inout [Output]) {
        let n = bytes.count
        var i = start
        while i < n {
            if !inRecord {
                if skipLF {
                    skipLF = false
                    if bytes[i] == Self.lf {
                        i += 1
                        continue
                    }
                }
                startRecord()
            }
            switch state {
            case .fieldStart:
                if bytes[i] == Self.quote {
                    grow(1)
                    i += 1
                    quotedCR = false
                    state = .quoted
                } else {
                    state = .unquoted
                }
            case .unquoted:
                var j = i
                while j < n {
                    let b = bytes[j]
                    if b == Self.comma || b == Self.quote || b == Self.cr || b == Self.lf { break }
                    j += 1
                }
                if j > i { take(bytes, i, j) }
                i = j
                guard i < n else { break }
                let b = bytes[i]
                i += 1
                switch b {
                case Self.comma:
                    grow(1)
                    endField(atComma: true)
                case Self.quote:
                    grow(1)
                    fail(.quoteInUnquotedField)
                default:
                    endField(atComma: false)
                    endRecord(into: &out, cr: b == Self.cr)
                }
            case .quoted:
                var j = i
                while j < n {
                    let b = bytes[j]
                    if b == Self.quote || b == Self.cr || b == Self.lf { break }
                    j += 1
                }
                if j > i {
                    take(bytes, i, j)
                    quotedCR = false
                }
                i = j
                guard i < n else { break }
                let b = bytes[i]
                i += 1
                grow(1)
                if b == Self.quote {
                    state = .quoteInQuoted
                    quotedCR = false
                    continue
                }
                append(b)
                // A CR counts, and an LF unless it follows a CR: CRLF is one line break.
                if b == Self.cr || !quotedCR { line += 1 }
                quotedCR = b == Self.cr
            case .quoteInQuoted:
                let b = bytes[i]
                i += 1
                switch b {
                case Self.quote:
                    grow(1)
                    append(b)
                    state = .quoted
                case Self.comma:
                    grow(1)
                    endField(atComma: true)
                case Self.cr, Self.lf:
                    endField(atComma: false)
                    endRecord(into: &out, cr: b == Self.cr)
                default:
                    grow(1)
                    fail(.textAfterClosingQuote)
                }
            case .skipLine:
                var j = i
                while j < n, bytes[j] != Self.cr, bytes[j] != Self.lf { j += 1 }
                grow(j - i)
                i = j
                guard i < n else { break }
                let b = bytes[i]
                i += 1
                endRecord(into: &out, cr: b == Self.cr)
            }
        }
    }

    private mutating func startRecord() {
        inRecord = true
        recordLine = line
        recordBytes = 0
        problem = nil
        oversized = false
        state = .fieldStart
        fields = []
        fields.reserveCapacity(fieldsHint)
    }

    /// Counts bytes of the record; past the limit, what was kept is dropped.
    @inline(__always) private mutating func grow(_ count: Int) {
        recordBytes += count
        if let limit = maximumRecordBytes, recordBytes > limit, !oversized {
            oversized = true
            // The field in progress may yet turn out invalid, which decides where the record ends.
            utf8 = UTF8Check()
            for b in field { utf8.add(b) }
            field = []
            fields = []
        }
    }

    @inline(__always) private mutating func take(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        grow(to - from)
        if oversized {
            for k in from..<to { utf8.add(bytes[k]) }
        } else {
            field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<to]))
        }
    }

    @inline(__always) private mutating func append(_ b: UInt8) {
        if oversized { utf8.add(b) } else { field.append(b) }
    }

    private mutating func fail(_ kind: Problem.Kind) {
        problem = kind
        state = .skipLine
    }

    /// A field ended at a comma, a line break or the end of the input. A field that is not UTF-8
    /// spoils the record: the rest of its line is skipped.
    private mutating func endField(atComma: Bool) {
        let index = fields.count + 1
        if oversized {
            let valid = utf8.isComplete
            utf8 = UTF8Check()
            if !valid { return fail(.invalidUTF8(field: index)) }
        } else {
            guard let text = String(validating: field, as: UTF8.self) else {
                field.removeAll(keepingCapacity: true)
                return fail(.invalidUTF8(field: index))
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }
        state = .fieldStart
    }

    /// At the record's line break (`cr`: a CR, which an LF may follow) or the end of the input.
    private mutating func endRecord(into out: inout [Output], cr: Bool) {
        line += 1
        skipLF = cr
        inRecord = false
        state = .fieldStart
        if oversized {
            out.append(.failure(Problem(line: recordLine, kind: .tooLong(limit: maximumRecordBytes ?? 0))))
        } else if let problem {
            out.append(.failure(Problem(line: recordLine, kind: problem)))
        } else {
            fieldsHint = fields.count
            out.append(.success(Record(line: recordLine, fields: fields)))
        }
        fields = []
        field.removeAll(keepingCapacity: true)
    }
}

/// Incremental strict UTF-8 validation (no overlong forms, surrogates or code points past
/// U+10FFFF), as `String(validating:as:)` checks: for a field too long to keep.
struct UTF8Check: Sendable {
    private var needed: UInt8 = 0
    private var low: UInt8 = 0x80, high: UInt8 = 0xBF
    private var invalid = false

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
