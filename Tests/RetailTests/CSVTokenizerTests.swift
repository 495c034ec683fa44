import KioskTestSupport
import PropertyBased
import Testing
@testable import Retail

@Suite struct CSVTokenizerTests {
    /// Every record as (line, fields) or (line, problem).
    func read(_ text: String) -> [String] {
        read(Array(text.utf8))
    }

    func read(_ bytes: [UInt8], maximumRecordBytes: Int? = nil) -> [String] {
        CSVTokenizer.records(bytes, maximumRecordBytes: maximumRecordBytes).map(Self.describe)
    }

    static func describe(_ output: CSVTokenizer.Output) -> String {
        switch output {
        case .success(let record): "\(record.line):\(record.fields)"
        case .failure(let problem): "\(problem.line)!\(problem.message)"
        }
    }

    @Test func plainFieldsAndLineEndings() {
        #expect(read("a,b,c\n1,2,3\n") == [#"1:["a", "b", "c"]"#, #"2:["1", "2", "3"]"#])
        #expect(read("a,b\r\n1,2\r\n") == [#"1:["a", "b"]"#, #"2:["1", "2"]"#])
        #expect(read("a,b\r1,2") == [#"1:["a", "b"]"#, #"2:["1", "2"]"#])
        #expect(read("a,b\n1,2") == [#"1:["a", "b"]"#, #"2:["1", "2"]"#])
    }

    @Test func emptyFieldsAndBlankLines() {
        #expect(read(",a,\n") == [#"1:["", "a", ""]"#])
        #expect(read("a\n\nb\n") == [#"1:["a"]"#, #"2:[""]"#, #"3:["b"]"#])
        #expect(read("a,") == [#"1:["a", ""]"#])
        #expect(read("") == [])
    }

    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() {
        #expect(read("\"a,b\",\"say \"\"hi\"\"\",\"\"\n") == [#"1:["a,b", "say \"hi\"", ""]"#])
        #expect(read("\"two\nlines\",x\nnext\n") == [#"1:["two\nlines", "x"]"#, #"3:["next"]"#])
        #expect(read("\"two\r\nlines\",x\r\nnext\r\n") == [#"1:["two\r\nlines", "x"]"#, #"3:["next"]"#])
        #expect(read("\"a\n\n\nb\"\nc") == [#"1:["a\n\n\nb"]"#, #"5:["c"]"#])
        #expect(read("\"cr\r\"\"\"\nx") == [#"1:["cr\r\""]"#, #"3:["x"]"#])
    }

    @Test func skipsByteOrderMark() {
        #expect(read([0xEF, 0xBB, 0xBF] + Array("gtin,x\n".utf8)) == [#"1:["gtin", "x"]"#])
        #expect(read("\u{FEFF}gtin\n") == [#"1:["gtin"]"#])
        // Only at the start: a second mark is text.
        #expect(read("\u{FEFF}\u{FEFF}gtin\n") == ["1:[\"\u{FEFF}gtin\"]"])
    }

    @Test func aByteOrderMarkCutIntoPiecesIsStillSkippedAndAPartialOneIsText() {
        var tokenizer = CSVTokenizer()
        var out = tokenizer.feed([0xEF]) + tokenizer.feed([0xBB]) + tokenizer.feed([0xBF, UInt8(ascii: "a")])
        out += tokenizer.finish()
        #expect(out.map(Self.describe) == [#"1:["a"]"#])
        // EF BB then text: not a mark, and not UTF-8 either.
        out = tokenizer.feed([0xEF, 0xBB]) + tokenizer.feed(Array("x\n".utf8)) + tokenizer.finish()
        #expect(out.map(Self.describe) == ["1!field 1 is not valid UTF-8"])
        out = tokenizer.feed([0xEF, 0xBB]) + tokenizer.finish()
        #expect(out.map(Self.describe) == ["1!field 1 is not valid UTF-8"])
    }

    @Test func decodesUTF8() {
        #expect(read("牛奶,\"苹果，红\"\n") == [#"1:["牛奶", "苹果，红"]"#])
    }

    @Test func reportsBrokenRecordsAndGoesOn() {
        let out = read("ok\nab\"c,d\n\"q\"x,y\nfine\n\"open\nnever closed\n")
        #expect(out.count == 5)
        #expect(out[0] == #"1:["ok"]"#)
        #expect(out[1] == "2!quote inside an unquoted field (quote the field and double the quote)")
        #expect(out[2] == "3!text after a closing quote (a field with quotes must be quoted whole)")
        #expect(out[3] == #"4:["fine"]"#)
        #expect(out[4] == "5!a quoted field opened on this line is never closed")
    }

    @Test func reportsInvalidUTF8() {
        let out = read(Array("a,".utf8) + [0xFF, 0xFE] + Array("\nb\n".utf8))
        #expect(out == ["1!field 2 is not valid UTF-8", #"2:["b"]"#])
    }

    /// After a problem the rest of the line is skipped with quotes no longer counting: a quoted
    /// line break later on the line ends the record.
    @Test func aBrokenRecordEndsAtTheNextLineBreakQuotedOrNot() {
        let out = read(Array("a,".utf8) + [0xFF] + Array(",\"b\nc\",d\ne\n".utf8))
        #expect(out == ["1!field 2 is not valid UTF-8",
                        "2!quote inside an unquoted field (quote the field and double the quote)", #"3:["e"]"#])
    }

    @Test func aRecordOverTheLimitIsReportedAndSkippedByTheSameRules() {
        let text = "ab,c\n\"123456\nx\",y\nok\n\"unclosed 1234567\nrest"
        #expect(read(Array(text.utf8), maximumRecordBytes: 5) == [
            #"1:["ab", "c"]"#, "2!longer than 5 bytes", #"4:["ok"]"#, "5!longer than 5 bytes",
        ])
        #expect(read(Array("abcde\r\nabcdef\r\n".utf8), maximumRecordBytes: 5) == [#"1:["abcde"]"#, "2!longer than 5 bytes"])
    }

    // MARK: - Chunks

    /// Pieces a document is built from: plain text, separators, quotes, every line break, and
    /// UTF-8 characters of two, three and four bytes (which a chunk boundary may cut).
    static let pieces = ["a", "Zz", " ", "1.50", ",", "\"", "\n", "\r\n", "\r", "é", "中文", "𝄞", "ÿ", ""]

    /// A random document from fields that a writer quotes as RFC 4180 says (and sometimes when it
    /// need not), with random line breaks; returns its bytes and the records it holds.
    static func document(_ r: inout SplitMix64) -> (bytes: [UInt8], records: [CSVTokenizer.Record]) {
        var bytes: [UInt8] = r.next() % 4 == 0 ? [0xEF, 0xBB, 0xBF] : []
        var records: [CSVTokenizer.Record] = []
        var line = 1
        let count = Int(r.next() % 8)
        for n in 0..<count {
            let fieldCount = 1 + Int(r.next() % 5)
            var fields: [String] = []
            var written: [String] = []
            for _ in 0..<fieldCount {
                let field = (0..<Int(r.next() % 5)).map { _ in pieces[Int(r.next() % UInt64(pieces.count))] }.joined()
                fields.append(field)
                let special = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                let quoted = special || r.next() % 4 == 0 || (fieldCount == 1 && field.isEmpty)
                written.append(quoted ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field)
            }
            records.append(CSVTokenizer.Record(line: line, fields: fields))
            var text = written.joined(separator: ",")
            if n < count - 1 || r.next() % 2 == 0 { text += ["\n", "\r\n", "\r"][Int(r.next() % 3)] }
            line += lineBreaks(Array(text.utf8))
            bytes += Array(text.utf8)
        }
        return (bytes, records)
    }

    /// CRLF, LF and a lone CR are one line break each.
    static func lineBreaks(_ bytes: [UInt8]) -> Int {
        var count = 0
        for (i, b) in bytes.enumerated() where b == 0x0A || (b == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A)) {
            count += 1
        }
        return count
    }

    /// The bytes cut at `cuts` (sorted offsets) and fed piece by piece.
    static func chunked(_ bytes: [UInt8], at cuts: [Int], maximumRecordBytes: Int? = nil) -> [CSVTokenizer.Output] {
        var tokenizer = CSVTokenizer(maximumRecordBytes: maximumRecordBytes)
        var out: [CSVTokenizer.Output] = []
        var start = 0
        for cut in cuts + [bytes.count] {
            out += tokenizer.feed(bytes[start..<cut])
            start = cut
        }
        return out + tokenizer.finish()
    }

    static func randomCuts(_ count: Int, _ r: inout SplitMix64) -> [Int] {
        guard count > 1 else { return [] }
        return Set((0..<Int(r.next() % 6)).map { _ in 1 + Int(r.next() % UInt64(count - 1)) }).sorted()
    }

    /// Well-formed documents give back the records they were written from, whether read whole,
    /// a byte at a time, cut in two at every offset, or cut at random offsets.
    @Test func chunksGiveTheRecordsOfTheWholeDocument() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...1_000_000)) { seed in
            var r = SplitMix64(seed: UInt64(seed))
            let (bytes, records) = Self.document(&r)
            let expected = records.map { Self.describe(.success($0)) }
            let whole = CSVTokenizer.records(bytes).map(Self.describe)
            #expect(whole == expected, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            guard whole == expected else { return }
            #expect(Self.chunked(bytes, at: Array(0..<bytes.count)).map(Self.describe) == expected, "a byte at a time")
            for cut in 0...bytes.count {
                let pieces = Self.chunked(bytes, at: [cut]).map(Self.describe)
                #expect(pieces == expected, "cut at \(cut) of \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                if pieces != expected { break }
            }
            let cuts = Self.randomCuts(bytes.count, &r)
            #expect(Self.chunked(bytes, at: cuts).map(Self.describe) == expected, "cuts \(cuts)")
        }
    }

    /// Bytes thrown together (stray quotes, bytes that are not UTF-8, characters cut short, every
    /// line break): the chunks give exactly what the whole gives, problems and lines included.
    /// With a record size limit too, which must end each record where the unlimited read does.
    @Test func chunksOfDamagedDocumentsGiveWhatTheWholeGives() async {
        let alphabet: [[UInt8]] = [[0x22], [0x22, 0x22], [0x2C], [0x2C], [0x0D], [0x0A], [0x0D, 0x0A], [0x20], [0x41],
                                   [0x42, 0x43], [0xFF], [0x80], [0xE4, 0xB8], [0xE4, 0xB8, 0xAD], [0xC3, 0xA9],
                                   [0xF0, 0x9D, 0x84, 0x9E], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]]
        await propertyCheck(count: 400, input: Gen.int(in: 0...1_000_000)) { seed in
            var r = SplitMix64(seed: UInt64(seed))
            var bytes: [UInt8] = []
            for _ in 0..<Int(r.next() % 60) { bytes += alphabet[Int(r.next() % UInt64(alphabet.count))] }
            let whole = CSVTokenizer.records(bytes)
            let context = "\(bytes)"
            #expect(Self.chunked(bytes, at: Array(0..<bytes.count)) == whole, "a byte at a time: \(context)")
            for cut in 0...bytes.count where Self.chunked(bytes, at: [cut]) != whole {
                Issue.record("cut at \(cut): \(context)")
                break
            }
            let cuts = Self.randomCuts(bytes.count, &r)
            #expect(Self.chunked(bytes, at: cuts) == whole, "cuts \(cuts): \(context)")

            // Limited: the same records end in the same places; each is itself or "too long".
            let limit = 1 + Int(r.next() % 12)
            let limited = Self.chunked(bytes, at: cuts, maximumRecordBytes: limit)
            #expect(limited == CSVTokenizer.records(bytes, maximumRecordBytes: limit), "limit \(limit): \(context)")
            #expect(limited.count == whole.count, "limit \(limit): \(context)")
            for (a, b) in zip(limited, whole) {
                let line = { (o: CSVTokenizer.Output) in (try? o.get().line) ?? (o.failure?.line ?? -1) }
                #expect(a == b || (a.failure?.kind == .tooLong(limit: limit) && line(a) == line(b)), "limit \(limit): \(context)")
            }
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
