import Testing
@testable import Retail

@Suite struct CSVReaderTests {
    /// Every record as (line, fields) or (line, problem).
    func read(_ text: String) -> [String] {
        read(Array(text.utf8))
    }

    func read(_ bytes: [UInt8]) -> [String] {
        var reader = CSVReader(bytes)
        var out: [String] = []
        while let next = reader.next() {
            switch next {
            case .success(let record): out.append("\(record.line):\(record.fields)")
            case .failure(let problem): out.append("\(problem.line)!\(problem.message)")
            }
        }
        return out
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
        #expect(read("") == [])
    }

    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() {
        #expect(read("\"a,b\",\"say \"\"hi\"\"\",\"\"\n") == [#"1:["a,b", "say \"hi\"", ""]"#])
        #expect(read("\"two\nlines\",x\nnext\n") == [#"1:["two\nlines", "x"]"#, #"3:["next"]"#])
        #expect(read("\"two\r\nlines\",x\r\nnext\r\n") == [#"1:["two\r\nlines", "x"]"#, #"3:["next"]"#])
        #expect(read("\"a\n\n\nb\"\nc") == [#"1:["a\n\n\nb"]"#, #"5:["c"]"#])
    }

    @Test func skipsByteOrderMark() {
        #expect(read([0xEF, 0xBB, 0xBF] + Array("gtin,x\n".utf8)) == [#"1:["gtin", "x"]"#])
        #expect(read("\u{FEFF}gtin\n") == [#"1:["gtin"]"#])
    }

    @Test func decodesUTF8() {
        #expect(read("牛奶,\"苹果，红\"\n") == [#"1:["牛奶", "苹果，红"]"#])
    }

    @Test func reportsBrokenRecordsAndGoesOn() {
        let out = read("ok\nab\"c,d\n\"q\"x,y\nfine\n\"open\nnever closed\n")
        #expect(out.count == 5)
        #expect(out[0] == #"1:["ok"]"#)
        #expect(out[1].hasPrefix("2!quote inside an unquoted field"))
        #expect(out[2].hasPrefix("3!text after a closing quote"))
        #expect(out[3] == #"4:["fine"]"#)
        #expect(out[4].hasPrefix("5!a quoted field opened on this line is never closed"))
    }

    @Test func reportsInvalidUTF8() {
        let out = read(Array("a,".utf8) + [0xFF, 0xFE] + Array("\nb\n".utf8))
        #expect(out == ["1!field 2 is not valid UTF-8", #"2:["b"]"#])
    }
}
