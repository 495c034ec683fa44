import KioskTestSupport
import Testing
import Retail

@Suite struct MoneyTests {
    let jpy = Currency(code: "JPY", minorDigits: 0)
    let kwd = Currency(code: "KWD", minorDigits: 3)

    @Test(arguments: [
        ("12.34", 1234), ("12.3", 1230), ("12", 1200), ("0.05", 5), ("-0.50", -50), (" 7.10\t", 710), ("000.01", 1),
    ] as [(String, Int64)])
    func parsesToMinorUnits(text: String, minor: Int64) throws {
        #expect(try Money.parse(text, currency: cny).minorUnits == minor)
    }

    @Test(arguments: ["", "   ", "-", "12,3", "1.2.3", ".5", "5.", "+5", "1 000", "¥5", "1e3", "abc", "--1", "１２"])
    func rejectsMalformed(text: String) {
        #expect(throws: MoneyError.malformedAmount(text)) { try Money.parse(text, currency: cny) }
    }

    @Test func rejectsTooManyDecimals() {
        #expect(throws: MoneyError.tooManyDecimals("1.234", allowed: 2)) { try Money.parse("1.234", currency: cny) }
        #expect(throws: MoneyError.tooManyDecimals("100.5", allowed: 0)) { try Money.parse("100.5", currency: jpy) }
    }

    @Test func rejectsOutOfRange() throws {
        #expect(throws: MoneyError.outOfRange("1000000000000")) { try Money.parse("1000000000000", currency: cny) }
        // 10^9 yuan is 10^11 fen: exactly the limit.
        #expect(try Money.parse("1000000000", currency: cny).minorUnits == Money.limit)
        #expect(throws: MoneyError.outOfRange("1000000000.01")) { try Money.parse("1000000000.01", currency: cny) }
    }

    @Test func zeroDigitCurrency() throws {
        let yen = try Money.parse("1500", currency: jpy)
        #expect(yen.minorUnits == 1500)
        #expect(yen.decimalString == "1500")
        #expect(yen.description == "¥1500")
    }

    @Test func threeDigitCurrency() throws {
        let dinar = try Money.parse("1.5", currency: kwd)
        #expect(dinar.minorUnits == 1500)
        #expect(dinar.decimalString == "1.500")
        #expect(dinar.description == "KWD 1.500")
    }

    @Test(arguments: [(1234, "12.34"), (5, "0.05"), (0, "0.00"), (-50, "-0.50"), (-1234, "-12.34"), (100_000_000_000, "1000000000.00")]
          as [(Int64, String)])
    func formats(minor: Int64, text: String) throws {
        let money = Money(minorUnits: minor, currency: cny)
        #expect(money.decimalString == text)
        // Formatting and parsing agree.
        #expect(try Money.parse(text, currency: cny) == money)
    }

    @Test func descriptionPutsSignBeforeSymbol() {
        #expect(Money(minorUnits: -50, currency: cny).description == "-¥0.50")
        #expect(Money(minorUnits: 1999, currency: Currency(code: "EUR", minorDigits: 2)).description == "€19.99")
    }

    @Test func arithmetic() {
        var a = Fixture.yuan("2.50")
        a += Fixture.yuan("0.75")
        #expect(a == Fixture.yuan("3.25"))
        #expect(a * 3 == Fixture.yuan("9.75"))
        #expect(a - Fixture.yuan("5") == Fixture.yuan("-1.75"))
        #expect(Fixture.yuan("1.99") < Fixture.yuan("2"))
    }

    @Test func errorMessagesQuoteTheInput() {
        #expect(MoneyError.malformedAmount("12,3").description == "malformed amount \"12,3\"")
        #expect(MoneyError.tooManyDecimals("1.234", allowed: 2).description.contains("more than 2 decimal"))
    }
}
