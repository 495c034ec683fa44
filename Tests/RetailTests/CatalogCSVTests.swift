import KioskTestSupport
import Testing
import Retail

@Suite struct CatalogCSVTests {
    let importer = CatalogCSV(store: Fixture.store)
    static let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing"

    /// A valid 13-digit code with prefix 690.
    static func code(_ n: Int) -> String {
        let s = String(n)
        return GTIN.appendingCheckDigit("690000" + String(repeating: "0", count: 6 - s.count) + s)
    }

    static func row(_ gtin: String, _ en: String = "Thing", _ zh: String = "东西", price: String = "1.00",
                    member: String = "", tax: String = "A", age: String = "", multi: String = "", pricing: String = "") -> String {
        [gtin, en, zh, price, member, tax, age, multi, pricing].joined(separator: ",")
    }

    @Test func importsAllColumns() throws {
        let csv = Self.header + "\n"
            + Self.row(Self.code(1), "\"Noodles, beef\"", "牛肉面", price: "4.50", member: "4.20", age: "18", multi: "3for2") + "\n"
            + Self.row("2100001000004", "Apples (per kg)", "", price: "15.80", tax: "B", pricing: "embedded-price") + "\n"
        let result = try importer.read(csv)
        #expect(result.errors == [])
        #expect(result.items.count == 2)
        let noodles = result.items[0]
        #expect(noodles.gtin == gtin("690000000001"))
        #expect(noodles.name == LocalizedName(en: "Noodles, beef", zh: "牛肉面"))
        #expect(noodles.price == Fixture.yuan("4.50"))
        #expect(noodles.memberPrice == Fixture.yuan("4.20"))
        #expect(noodles.taxCode == "A")
        #expect(noodles.minimumAge == 18)
        #expect(noodles.multiBuy == MultiBuy(quantity: 3, payFor: 2))
        #expect(noodles.pricing == .unit)
        let apples = result.items[1]
        #expect(apples.name.zh == nil)
        #expect(apples.pricing == .embeddedPrice)
        #expect(apples.memberPrice == nil && apples.minimumAge == nil && apples.multiBuy == nil)
    }

    @Test func columnsInAnyOrderWithExtrasIgnored() throws {
        let csv = """
            Pricing, TAX ,price,shelf,name_zh,name_en,gtin,min_age,multibuy,member_price
            ,B,"12.80",aisle 3,大米,"Rice, 1 kg",\(Self.code(7)),,,
            """
        let result = try importer.read(csv)
        #expect(result.errors == [])
        #expect(result.items.map(\.name.en) == ["Rice, 1 kg"])
        #expect(result.items.first?.taxCode == "B")
        #expect(result.items.first?.price == Fixture.yuan("12.80"))
    }

    @Test func missingColumnFailsTheWholeFile() {
        let header = "gtin,name_en,name_zh,member_price,min_age,multibuy,pricing"
        #expect(throws: CatalogFileError.missingColumns(["price", "tax"])) {
            try importer.read(header + "\n" + Self.code(1) + ",x,,,,,\n")
        }
        #expect(CatalogFileError.missingColumns(["price"]).description == "the header lacks required column price")
    }

    @Test func otherWholeFileErrors() {
        #expect(throws: CatalogFileError.noHeader) { try importer.read("") }
        #expect(throws: CatalogFileError.noHeader) { try importer.read("\n\r\n") }
        #expect(throws: CatalogFileError.duplicateColumn("price")) { try importer.read(Self.header + ",price\n") }
        #expect(throws: CatalogFileError.malformedHeader(line: 1, reason: "a quoted field opened on this line is never closed")) {
            try importer.read("\"gtin,name_en\n")
        }
    }

    @Test func byteOrderMarkCRLFAndQuotedLineBreaks() throws {
        let lines = [
            Self.header,
            Self.row(Self.code(1), "\"Multi\r\nline, name\"", "两行"),  // lines 2-3
            Self.row(Self.code(2), price: "\"12,3\""),                    // line 4: bad
            Self.row(Self.code(3)),                                      // line 5
        ]
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8) + Array("\r\n".utf8)
        let result = try importer.read(bytes)
        #expect(result.items.map(\.gtin) == [gtin("690000000001"), gtin("690000000003")])
        #expect(result.items[0].name.en == "Multi\r\nline, name")
        #expect(result.errors.map(\.description) == [#"line 4: price: malformed amount "12,3""#])
    }

    /// Each kind of bad row, placed on line 5 after a row with a quoted line break (lines 3-4).
    @Test(arguments: [
        (row("6900000000032"), "gtin", #""6900000000032": check digit is 2, expected 8"#),
        (row("69000A0000040"), "gtin", "not a digit at position 6"),
        (row(""), "gtin", "empty code"),
        (row("0412345678903"), "gtin", "member card"),
        (row(code(1)), "gtin", "\(code(1).dropFirst(0)) is already listed on line 2"),
        (row(code(9), price: "\"12,3\""), "price", #"malformed amount "12,3""#),
        (row(code(9), price: "1.234"), "price", "more than 2 decimal digits"),
        (row(code(9), price: "-1.00"), "price", "not more than zero"),
        (row(code(9), price: "0.00"), "price", "not more than zero"),
        (row(code(9), price: ""), "price", "empty"),
        (row(code(9), price: "4.50", member: "4.50"), "member_price", "4.50 is not lower than price 4.50"),
        (row(code(9), price: "4.50", member: "\"4,2\""), "member_price", "malformed amount"),
        (row(code(9), tax: "X"), "tax", #"unknown tax code "X"; the store defines A, B, Z"#),
        (row(code(9), tax: ""), "tax", "empty; the store defines A, B, Z"),
        (row(code(9), tax: "a"), "tax", #"unknown tax code "a""#),
        (row(code(9), age: "0"), "min_age", "not an age from 1 to 99"),
        (row(code(9), age: "100"), "min_age", "not an age from 1 to 99"),
        (row(code(9), age: "18+"), "min_age", "not an age from 1 to 99"),
        (row(code(9), multi: "3x2"), "multibuy", "not an offer like 3for2"),
        (row(code(9), multi: "2for3"), "multibuy", "not an offer like 3for2"),
        (row(code(9), pricing: "weight"), "pricing", #""weight" is not unit or embedded-price"#),
        (row(code(9), pricing: "embedded-price"), "gtin", "need a 13-digit in-store code with prefix 02 or 20-29"),
        (row("2100011012349", pricing: "embedded-price"), "gtin", "price digits 00000: 2100011000001"),
        (row("2100002000003"), "gtin", "set pricing to embedded-price"),
        (row("2100002000003", member: "0.50", pricing: "embedded-price"), "member_price", "member prices do not apply"),
        (row("2100002000003", multi: "3for2", pricing: "embedded-price"), "multibuy", "multi-buy does not apply"),
        (row(code(9), ""), "name_en", "empty"),
    ] as [(String, String, String)])
    func reportsBadRowOnItsLineAndImportsTheRest(bad: String, column: String, message: String) throws {
        let csv = [
            Self.header,
            Self.row(Self.code(1)),
            Self.row(Self.code(2), "\"Two\nlines\""),
            bad,
            Self.row(Self.code(3)),
        ].joined(separator: "\n")
        let result = try importer.read(csv)
        #expect(result.items.count == 3)
        #expect(result.errors.count == 1)
        let error = try #require(result.errors.first)
        #expect(error.line == 5)
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func rowWithWrongFieldCount() throws {
        let csv = Self.header + "\n" + Self.code(1) + ",Apple, red,苹果,1.00,,A,,,\n" + Self.row(Self.code(2)) + "\n"
        let result = try importer.read(csv)
        #expect(result.items.count == 1)
        #expect(result.errors == [CatalogRowError(line: 2, problem: .fieldCount,
                                                  message: "10 fields where the header has 9 (a comma in an unquoted field?)")])
        #expect(result.errors.map(\.code) == ["wrong-field-count"])
        #expect(result.errors[0].description.hasPrefix("line 2: 10 fields"))
        let short = try importer.read(Self.header + "\n" + Self.code(1) + ",Apple,苹果,1.00\n")
        #expect(short.errors.map(\.description) == ["line 2: 4 fields where the header has 9"])
    }

    @Test func everyProblemOfARowIsReported() throws {
        let csv = Self.header + "\n" + Self.row("123", "", price: "abc", tax: "Q", age: "x") + "\n"
        let result = try importer.read(csv)
        #expect(result.items.isEmpty)
        #expect(result.errors.map(\.column) == ["gtin", "name_en", "price", "tax", "min_age"])
        #expect(result.errors.map(\.code) == ["invalid-gtin", "invalid-name_en", "invalid-price", "invalid-tax", "invalid-min_age"])
        #expect(Set(result.errors.map(\.line)) == [2])
    }

    @Test func duplicateKeepsTheFirstEvenInAnotherForm() throws {
        // The UPC-A 036000291452 and the EAN-13 0036000291452 are one product.
        let csv = [Self.header, Self.row("036000291452", "First"), Self.row("0036000291452", "Second")].joined(separator: "\n")
        let result = try importer.read(csv)
        #expect(result.items.map(\.name.en) == ["First"])
        #expect(result.errors.map(\.description) == ["line 3: gtin: 0036000291452 is already listed on line 2"])
        #expect(result.errors.map(\.code) == ["duplicate-gtin"])
    }

    @Test func syntaxErrorsAreRowErrors() throws {
        let csv = [
            Self.header,
            Self.row(Self.code(1), "12\" Pizza"),     // line 2: stray quote
            Self.row(Self.code(2)),                   // line 3
            Self.row(Self.code(3), "\"Pizza\" 12in"), // line 4: text after closing quote
            Self.row(Self.code(4)),                   // line 5
            Self.row(Self.code(5), "\"Never closed"), // line 6: swallows the rest
            Self.row(Self.code(6)),
        ].joined(separator: "\n")
        let result = try importer.read(csv)
        #expect(result.items.count == 2)
        #expect(result.errors.map(\.line) == [2, 4, 6])
        #expect(result.errors.allSatisfy { $0.column == nil && $0.code == "unreadable-row" })
    }

    @Test func skipsBlankLinesButCountsThem() throws {
        let csv = Self.header + "\n\n" + Self.row(Self.code(1)) + "\n\n,,,,,,,,\n" + Self.row(Self.code(2), price: "x") + "\n , ,,,,,,,\n\n"
        let result = try importer.read(csv)
        #expect(result.items.count == 1)
        #expect(result.errors.map(\.line) == [6])
    }

    @Test func readsStringAndBytesAlike() throws {
        let csv = Self.header + "\n" + Self.row(Self.code(1), "Tea", "茶") + "\n"
        #expect(try importer.read(csv) == importer.read(Array(csv.utf8)))
        #expect(try importer.read(csv.utf8).items.first?.name.zh == "茶")
    }

    @Test func rowErrorDescription() {
        #expect(CatalogRowError(line: 17, problem: .invalid(column: "price"), message: #"malformed amount "12,3""#).description
                == #"line 17: price: malformed amount "12,3""#)
        #expect(CatalogRowError(line: 3, problem: .unreadable, message: "broken").description == "line 3: broken")
    }
}
