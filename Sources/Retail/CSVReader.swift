/// An RFC 4180 reader: comma-separated fields, double-quoted fields that may hold commas, line
/// breaks and `""` for a quote; records end with CRLF or LF (a lone CR counts as a line break
/// too); a leading UTF-8 byte-order mark is skipped.
///
/// It works on bytes: every byte it looks for is ASCII, and UTF-8 never uses ASCII bytes inside a
/// multi-byte character, so splitting before decoding is safe. Each field is then decoded strictly.
struct CSVReader {
    struct Record: Hashable, Sendable {
        /// 1-based physical line on which the record starts.
        let line: Int
        let fields: [String]

        /// An empty line (or one holding only `""`): skipped rather than reported.
        var isBlank: Bool { fields.count == 1 && fields[0].isEmpty }
    }

    /// A record that could not be split into fields; reading goes on at the next line.
    struct Problem: Error, Hashable, Sendable {
        let line: Int
        let message: String
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
                        cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    private let bytes: [UInt8]
    private var i = 0
    /// The physical line of `bytes[i]`.
    private var line = 1

    init(_ input: some Sequence<UInt8>) {
        var bytes = Array(input)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
    }

    /// Reads the next record, or nil at the end of the input.
    mutating func next() -> Result<Record, Problem>? {
        guard i < bytes.count else { return nil }
        let start = line
        var fields: [String] = []
        while true {
            let field: [UInt8]
            if bytes[i...].first == Self.quote {
                guard let quoted = readQuoted() else {
                    return .failure(Problem(line: start, message: "a quoted field opened on this line is never closed"))
                }
                field = quoted
                if !atFieldEnd {
                    skipRestOfLine()
                    return .failure(Problem(line: start, message: "text after a closing quote (a field with quotes must be quoted whole)"))
                }
            } else {
                let begin = i
                while !atFieldEnd, bytes[i] != Self.quote { i += 1 }
                if !atFieldEnd {
                    skipRestOfLine()
                    return .failure(Problem(line: start, message: "quote inside an unquoted field (quote the field and double the quote)"))
                }
                field = Array(bytes[begin..<i])
            }
            guard let text = String(validating: field, as: UTF8.self) else {
                skipRestOfLine()
                return .failure(Problem(line: start, message: "field \(fields.count + 1) is not valid UTF-8"))
            }
            fields.append(text)
            if i < bytes.count, bytes[i] == Self.comma {
                i += 1
                continue
            }
            skipLineBreak()
            return .success(Record(line: start, fields: fields))
        }
    }

    private var atFieldEnd: Bool {
        i == bytes.count || bytes[i] == Self.comma || bytes[i] == Self.cr || bytes[i] == Self.lf
    }

    /// At an opening quote: returns the unescaped content and stops after the closing quote,
    /// or nil when the input ends first.
    private mutating func readQuoted() -> [UInt8]? {
        i += 1
        var content: [UInt8] = []
        while i < bytes.count {
            let b = bytes[i]
            if b == Self.quote {
                if i + 1 < bytes.count, bytes[i + 1] == Self.quote {
                    content.append(Self.quote)
                    i += 2
                    continue
                }
                i += 1
                return content
            }
            countLine(at: i)
            content.append(b)
            i += 1
        }
        return nil
    }

    /// Counts CRLF once, LF once, and a lone CR once.
    private mutating func countLine(at index: Int) {
        let b = bytes[index]
        if b == Self.lf || (b == Self.cr && (index + 1 == bytes.count || bytes[index + 1] != Self.lf)) {
            line += 1
        }
    }

    private mutating func skipLineBreak() {
        guard i < bytes.count else { return }
        if bytes[i] == Self.cr, i + 1 < bytes.count, bytes[i + 1] == Self.lf { i += 1 }
        countLine(at: i)
        i += 1
    }

    private mutating func skipRestOfLine() {
        while i < bytes.count, bytes[i] != Self.cr, bytes[i] != Self.lf { i += 1 }
        skipLineBreak()
    }
}
