import KioskTestSupport
import Testing
import Retail

/// A valid GTIN element to put in front of AIs that need one ("(01)" + 14 digits = 18 characters,
/// so the next AI's first digit is at position 20).
private let g = "(01)09506000134352"
private let gs = "\u{1D}"

@Suite struct GS1ElementStringTests {
    /// One valid and at least one invalid example per AI family, in the bracketed form
    /// (positions count the brackets). nil = valid.
    static let cases: [(String, String?)] = [
        // GS1 check digits: SSCC, GTIN, GLN, GSIN, GDTI, GCN, GSRN, GRAI, ITIP.
        ("(00)106141411234567897", nil),
        ("(00)106141411234567898", "AI 00: check digit 8 should be 7 at position 22"),
        (g, nil),
        ("(01)09506000134353", "AI 01: check digit 3 should be 2 at position 18"),
        ("(01)0950600013435", "AI 01 too short (13 < 14) at position 5"),
        ("(01)095060001343521", "AI 01 too long (15 > 14) at position 5"),
        ("(01)0950600013435A", "AI 01: \"A\" is not a digit at position 18"),
        ("(00)106141411234567897(02)09506000134352(37)12", nil),
        (g + "(02)09506000134352", "AI 02 cannot be used with AI 01 at position 20"),
        (g + "(37)5", "AI 37 cannot be used with AI 01 at position 20"),
        ("(02)09506000134352", "AI 02 requires AI 37 at position 2"),
        ("(02)09506000134352(37)12", "AI 37 requires AI 00 with 02 or 00 with 8026 at position 20"),
        ("(414)9506000000008", nil),
        ("(414)9506000000009", "AI 414: check digit 9 should be 8 at position 18"),
        ("(410)9506000000008(411)9506000000015(412)9506000000022(413)9506000000008", nil),
        ("(416)9506000000008(417)9506000000015", nil),
        ("(417)950600000001", "AI 417 too short (12 < 13) at position 6"),
        ("(402)95060001234567893", nil),
        ("(402)95060001234567894", "AI 402: check digit 4 should be 3 at position 22"),
        ("(253)9506000000008", nil),
        ("(253)9506000000008ABC-12", nil),
        ("(253)9506000000008" + String(repeating: "A", count: 18), "AI 253 too long (31 > 30) at position 6"),
        ("(255)9506000000008123", nil),
        ("(255)9506000000008A", "AI 255: \"A\" is not a digit at position 19"),
        ("(8017)950600000000000019", nil),
        ("(8018)950600000000000018", "AI 8018: check digit 8 should be 9 at position 24"),
        ("(8003)09506000000008ABC", nil),
        ("(8003)19506000000008", "AI 8003: must be 0 at position 7"),
        ("(8006)095060001343520102", nil),
        ("(8006)095060001343520302", "AI 8006: piece 03 of 02 at position 21"),
        ("(8006)095060001343520002", "AI 8006: piece number zero at position 21"),
        ("(00)106141411234567897(8026)095060001343520102(37)4", nil),
        ("(8013)1987654Ad4X4bL5ttr2310c2K", nil),
        ("(8013)9506000ABCAS", nil),
        ("(8013)9506000ABCAT", "AI 8013: check characters AT should be AS at position 17"),
        // Dates: day 00 allowed in 11–17, months and days checked, leap years.
        (g + "(11)260100(13)260215(15)261200(16)261231(17)261200", nil),
        (g + "(17)261231", nil),
        (g + "(17)261301", "AI 17: month 13 at position 25"),
        (g + "(17)260001", "AI 17: month 00 at position 25"),
        (g + "(17)260230", "AI 17: day 30 at position 27"),
        (g + "(15)260431", "AI 15: day 31 at position 27"),
        (g + "(17)250229", "AI 17: day 29 in a non-leap year at position 27"),
        (g + "(17)240229", nil),
        (g + "(17)26123", "AI 17 too short (5 < 6) at position 23"),
        (g + "(17)26123A", "AI 17: \"A\" is not a digit at position 28"),
        ("(12)261231", "AI 12 requires AI 8020 at position 2"),
        (g + "(7003)2612312359", nil),
        (g + "(7003)2612002359", "AI 7003: day 00 at position 29"),
        (g + "(7003)2612312459", "AI 7003: hour 24 at position 31"),
        (g + "(7003)2612312360", "AI 7003: minute 60 at position 33"),
        (g + "(8008)26123123", nil),
        (g + "(8008)261231235959", nil),
        (g + "(8008)261231235960", "AI 8008: second 60 at position 35"),
        (g + "(8008)261231235", "AI 8008 too short (9 < 10) at position 25"),
        // Decimal-point measures: 310n–369n with n 0–5, duplicates of one family excluded.
        (g + "(3103)000500", nil),
        (g + "(3100)000001(3110)000002(3120)000003(3130)000004(3140)000005(3150)000006(3160)000007", nil),
        (g + "(3205)000001(3215)000002(3225)000003(3235)000004(3245)000005(3255)000006(3265)000007", nil),
        (g + "(3275)000001(3285)000002(3295)000003(3301)000004(3372)000005", nil),
        (g + "(3402)000001(3512)000002(3563)000003(3574)000004(3600)000005(3615)000006", nil),
        ("(00)106141411234567897(3301)000450(3361)000010(3490)000001(3535)000001(3690)000001", nil),
        (g + "(3106)000500", "unknown AI 3106 at position 20"),
        (g + "(3103)00050", "AI 3103 too short (5 < 6) at position 25"),
        (g + "(3103)0005000", "AI 3103 too long (7 > 6) at position 25"),
        (g + "(3103)000500(3102)000500", "AI 3102 cannot be used with AI 3103 at position 32"),
        (g + "(3103)000500(3103)000500", nil),
        ("(3103)000500", "AI 3103 requires AI 01 or 02 at position 2"),
        ("(00)106141411234567897(3103)000500", "AI 3103 requires AI 01 or 02 at position 24"),
        ("(3301)000500", "AI 3301 requires AI 00 or 01 at position 2"),
        // Prices and amounts: 390n–395n with n 0–9 (394n 0–3, 395n 0–5), ISO 4217 currencies.
        (g + "(3103)000500(3922)1234", nil),
        (g + "(30)3(3929)123456789012345", nil),
        ("(3922)1234", "AI 3922 requires AI 01 with 30, 01 with 31nn, 01 with 32nn, 01 with 35nn or 01 with 36nn at position 2"),
        (g + "(3922)1234", "AI 3922 requires AI 01 with 30, 01 with 31nn, 01 with 32nn, 01 with 35nn or 01 with 36nn at position 20"),
        (g + "(3103)000500(3922)1234567890123456", "AI 3922 too long (16 > 15) at position 37"),
        (g + "(3103)000500(3932)9781234", nil),
        (g + "(3103)000500(3932)1231234", "AI 3932: currency 123 is not ISO 4217 at position 37"),
        (g + "(3103)000500(3932)978", "AI 3932 too short (3 < 4) at position 37"),
        (g + "(3103)000500(3922)1234(3932)9781234", "AI 3932 cannot be used with AI 3922 at position 42"),
        (g + "(3103)000500(3955)001299", nil),
        (g + "(3103)000500(3956)001299", "unknown AI 3956 at position 32"),
        (g + "(3103)000500(3955)001299(8005)000250", "AI 8005 cannot be used with AI 3955 at position 44"),
        ("(255)9506000000008(3902)1234", nil),
        ("(3902)1234", "AI 3902 requires AI 255 or 8020 at position 2"),
        ("(415)9506000000008(8020)INV-42(3912)9781234", nil),
        ("(415)9506000000008(8020)INV-42(3912)0001234", "AI 3912: currency 000 is not ISO 4217 at position 37"),
        ("(255)9506000000008(3941)0500", nil),
        ("(255)9506000000008(3944)0500", "unknown AI 3944 at position 20"),
        // Lengths and character set 82.
        (g + "(10)ABC123", nil),
        (g + "(10)" + #"!"%&'\()*+,-./:;<=>?_"#, nil),
        (g + "(10)ABCDEFGHIJKLMNOPQRSTU", "AI 10 too long (21 > 20) at position 23"),
        (g + "(10)AB#1", "AI 10: \"#\" is not in GS1 character set 82 at position 25"),
        (g + "(10)AB 1", "AI 10: \" \" is not in GS1 character set 82 at position 25"),
        (g + "(10)ABé", "AI 10: \"é\" is not in GS1 character set 82 at position 25"),
        (g + "(10)", "AI 10 has no data at position 20"),
        (g + "(10)ABC(10)ABD", "AI 10 appears twice with different values at position 27"),
        (g + "(10)ABC(10)ABC", nil),
        ("(10)ABC", "AI 10 requires AI 01, 02, 03, 8006 or 8026 at position 2"),
        (g + "(20)01", nil),
        (g + "(20)1", "AI 20 too short (1 < 2) at position 23"),
        (g + "(21)12345(22)2A(235)TPX1", "AI 235 cannot be used with AI 21 at position 35"),
        (g + "(21)12345(22)2A", nil),
        (g + "(235)TPX1", nil),
        ("(21)12345", "AI 21 requires AI 01, 03 or 8006 at position 2"),
        (g + "(240)A-1(241)B/2(242)123456(243)PCN(251)SRC", nil),
        (g + "(242)12345A", "AI 242: \"A\" is not a digit at position 29"),
        (g + "(21)1(250)SEC", nil),
        (g + "(250)SEC", "AI 250 requires AI 01 with 21, 03 with 21 or 8006 with 21 at position 20"),
        ("(414)9506000000008(254)A1", nil),
        ("(254)A1", "AI 254 requires AI 414 at position 2"),
        (g + "(30)12345678", nil),
        (g + "(30)123456789", "AI 30 too long (9 > 8) at position 23"),
        ("(00)106141411234567897(400)PO-123(401)9506000ABC(403)ROUTE7", nil),
        ("(403)ROUTE7", "AI 403 requires AI 00 at position 2"),
        ("(420)EC1A1BB", nil),
        ("(421)826EC1A", nil),
        ("(421)999EC1A", "AI 421: country 999 is not ISO 3166 at position 6"),
        ("(420)EC1A(421)826EC1A", "AI 421 cannot be used with AI 420 at position 11"),
        (g + "(422)156", nil),
        (g + "(422)1566", "AI 422 too long (4 > 3) at position 24"),
        (g + "(3103)000500(8005)000250", nil),
        (g + "(8005)000250", nil), // GS1 asks only for the item,
        ("(8004)9506000ABC", nil),
        ("(8010)9506000#AB/1-X(8011)1", nil),
        ("(8010)95060a", "AI 8010: \"a\" is not in GS1 character set 39 at position 12"),
        ("(8010)9506000(8011)012", "AI 8011: leading zero at position 20"),
        ("(255)9506000000008(8111)0100", nil),
        ("(8111)0100", "AI 8111 requires AI 255 at position 2"),
        // Coupons: 8110 North American coupon code, 8112 paperless coupon.
        ("(8110)1061414112345631501100003261231", nil),
        ("(8110)106141411234563150110000", nil),
        ("(8110)1061414112345631501100003261331", "AI 8110: expiration date month 13 at position 34"),
        ("(8110)706141411234563150110000", "AI 8110: company prefix length 7 is not allowed at position 7"),
        ("(8110)1061414112345631501100007", "AI 8110: unexpected coupon field 7 at position 31"),
        ("(8110)10614141123456", "AI 8110: missing save value length at position 20"),
        ("(8110)1061414112345631A0110000", "AI 8110: coupon data must be digits at position 23"),
        ("(8112)001234561234560123456", nil),
        ("(8112)201234561234560123456", "AI 8112: format code 2 is not allowed at position 7"),
        ("(8112)0012345612345601234567", "AI 8112: extra data after serial number at position 28"),
        (g + "(8200)http://example.com/p?q=1", nil),
        ("(8200)http://example.com/p", "AI 8200 requires AI 01 at position 2"),
        ("(90)ABC(91)X(92)X(93)X(94)X(95)X(96)X(97)X(98)X(99)" + String(repeating: "Z", count: 90), nil),
        ("(90)" + String(repeating: "Z", count: 31), "AI 90 too long (31 > 30) at position 5"),
        ("(99)" + String(repeating: "Z", count: 91), "AI 99 too long (91 > 90) at position 5"),
        ("(89)123", "unknown AI 89 at position 2"),
        ("(0)1", "expected an AI, found \"0\" at position 2"),
        // Found by fuzzing: the whole bracket was repeated, a wallet code's 18 digits included.
        ("(134567890123456789)1", "expected an AI, found \"13456…\" at position 2"),
        ("(01", "missing \")\" after \"(\" at position 1"),
        ("01)x", "AI 01 too short (2 < 14) at position 3"),
    ]

    @Test(arguments: cases)
    func bracketedTable(input: String, expected: String?) {
        do {
            let parsed = try GS1ElementString.parse(input)
            #expect(expected == nil, "\(input) parsed as \(parsed.elements)")
        } catch {
            #expect(error.description == expected, "\(input)")
        }
    }

    /// The same rules in the scanned form: the table's valid cases, rewritten with GS after
    /// every element that is not of predefined length, parse to the same elements.
    @Test func scannedFormMatchesBracketedForm() throws {
        for (input, expected) in Self.cases where expected == nil {
            let bracketed = try GS1ElementString.parse(input)
            var scanned = "]C1"
            for e in bracketed.elements {
                // Values are carried as they are; only the bracketed form escapes "(".
                scanned += e.ai + e.value + (e.definition.isPredefinedLength ? "" : gs)
            }
            let parsed = try GS1ElementString.parse(scanned)
            #expect(parsed.elements.map(\.description) == bracketed.elements.map(\.description), "\(scanned)")
            #expect(parsed.symbology == "]C1")
        }
    }

    // MARK: The scanned form: AIM prefixes and separators

    @Test(arguments: ["]C1", "]d2", "]Q3", "]e0", "]J1", ""])
    func symbologyPrefixes(prefix: String) throws {
        let parsed = try GS1ElementString.parse(prefix + "0109506000134352" + "17261231" + "10ABC123")
        #expect(parsed.elements.map(\.ai) == ["01", "17", "10"])
        #expect(parsed.symbology == (prefix.isEmpty ? nil : prefix))
    }

    @Test func fixedLengthAIsNeedNoSeparator() throws {
        let parsed = try GS1ElementString.parse("]C1" + "0109506000134352" + "3103000500" + "17261231" + "10ABC")
        #expect(parsed.elements.map(\.description) == ["(01)09506000134352", "(3103)000500", "(17)261231", "(10)ABC"])
    }

    @Test func variableLengthAIEndsAtGS() throws {
        let parsed = try GS1ElementString.parse("]d2" + "0109506000134352" + "10ABC123" + gs + "17261231" + "21XYZ")
        #expect(parsed.elements.map(\.description) == ["(01)09506000134352", "(10)ABC123", "(17)261231", "(21)XYZ"])
        #expect(parsed.elements.map(\.position) == [4, 20, 29, 37])
    }

    @Test func nonPredefinedFixedLengthAINeedsGS() throws {
        let parsed = try GS1ElementString.parse("0109506000134352" + "3103000500" + "8005000250" + gs + "10A")
        #expect(parsed.elements.map(\.ai) == ["01", "3103", "8005", "10"])
        #expect(throws: GS1Error.self) { try GS1ElementString.parse("0109506000134352" + "3103000500" + "8005000250" + "10A") }
    }

    @Test func toleratedSeparators() throws {
        // Trailing GS, GS after a predefined-length element.
        let trailing = try GS1ElementString.parse("]Q3" + "0109506000134352" + "10ABC" + gs)
        #expect(trailing.elements.map(\.value) == ["09506000134352", "ABC"])
        let superfluous = try GS1ElementString.parse("0109506000134352" + gs + "17261231")
        #expect(superfluous.elements.map(\.ai) == ["01", "17"])
        // Not a leading GS: FNC1 in first position is never transmitted (GS1 rule).
        #expect(throws: GS1Error(.leadingSeparator, position: 1)) { try GS1ElementString.parse(gs + "0109506000134352") }
    }

    @Test(arguments: [
        // The brief's examples, with positions counted in this input.
        ("010950600013435217261301", "AI 17: month 13 at position 21"),
        ("]C1010950600013435217261301", "AI 17: month 13 at position 24"),
        ("0104006381333933", "AI 01: check digit 3 should be 1 at position 16"),
        ("89ABC", "unknown AI 89 at position 1"),
        ("10ABCDEFGHIJKLMNOPQRSTUV", "AI 10 too long (22 > 20) at position 3"),
        ("10ABCDEFGHIJK172612313103000500", "missing GS after variable-length AI 10 at position 14"),
        ("0109506000134352" + "3103000500" + "39221234", nil),
        ("39221234", "AI 3922 requires AI 01 with 30, 01 with 31nn, 01 with 32nn, 01 with 35nn or 01 with 36nn at position 1"),
        ("0109506000134352" + "39221234", "AI 3922 requires AI 01 with 30, 01 with 31nn, 01 with 32nn, 01 with 35nn or 01 with 36nn at position 17"),
        // Separators and structure.
        ("0109506000134352" + "3103000500" + "8005000250" + "3922" + "1234",
         "missing GS after AI 8005 at position 37"),
        ("0109506000134352" + "10ABC" + gs + gs + "17261231", "unexpected GS at position 23"),
        ("0109506000134352" + "10" + gs + "17261231", "AI 10 has no data at position 17"),
        (gs + gs + "0109506000134352", "GS before the first AI (FNC1 in first position is not transmitted) at position 1"),
        ("01095060001343", "AI 01 too short (12 < 14) at position 3"),
        ("0109506000" + gs + "1343", "AI 01 too short (8 < 14) at position 3"),
        ("01095060001343523", "data ends inside AI 3 at position 17"),
        ("010950600013435231", "data ends inside AI 31 at position 17"),
        ("0109506000134352AB", "expected an AI, found \"AB\" at position 17"),
        ("0109506000134352" + "3" + gs, "expected an AI, found \"3<GS>\" at position 17"),
        ("]E04006381333931", "symbology ]E0 does not carry GS1 element strings at position 1"),
        ("]C1", "no data at position 3"),
        ("", "no data at position 1"),
        // Positions count characters, not bytes.
        ("0109506000134352" + "10é", "AI 10: \"é\" is not in GS1 character set 82 at position 19"),
    ] as [(String, String?)])
    func messages(input: String, expected: String?) {
        do {
            _ = try GS1ElementString.parse(input)
            #expect(expected == nil, "\(input)")
        } catch {
            #expect(error.description == expected, "\(input)")
        }
    }

    @Test func typedErrorsCarryAIAndPosition() {
        #expect(throws: GS1Error(.checkDigit(found: 3, expected: 1), ai: "01", position: 16)) {
            try GS1ElementString.parse("0104006381333933")
        }
        #expect(throws: GS1Error(.invalid(rule: .yymmd0, "month 13"), ai: "17", position: 21)) {
            try GS1ElementString.parse("010950600013435217261301")
        }
        #expect(throws: GS1Error(.requires([["01", "30"], ["01", "31nn"], ["01", "32nn"], ["01", "35nn"], ["01", "36nn"]]), ai: "3922", position: 1)) { try GS1ElementString.parse("39221234") }
    }

    // MARK: Meanings

    @Test func decodedMeanings() throws {
        let parsed = try GS1ElementString.parse("]C1" + "0109506000134352" + "3103000500" + "15261200" + "17270228"
                                                + "39221234" + gs + "10LOT-7")
        #expect(parsed.gtin == gtin("0950600013435"))
        #expect(parsed.netWeightKg == GS1Decimal(units: 500, decimals: 3))
        #expect(parsed.netWeightKg?.description == "0.500")
        #expect(parsed.price == GS1Decimal(units: 1234, decimals: 2))
        #expect(parsed.price?.money(cny) == Fixture.yuan("12.34"))
        #expect(parsed.element("15")?.meaning == .date(GS1Date(yy: 26, month: 12, day: 0)))
        #expect(parsed.element("10")?.meaning == .text)
        #expect(parsed.element("310n")?.ai == "3103")
        #expect(parsed.element("3103")?.definition.title == "NET WEIGHT (kg)")
        #expect(parsed.element("3103")?.definition.decimals == 3)
        #expect(parsed.expiry == GS1Date(yy: 27, month: 2, day: 28))
    }

    @Test func endOfMonthDates() throws {
        let bestBefore = GS1Date(yy: 24, month: 2, day: 0)
        #expect(bestBefore.isEndOfMonth)
        #expect(bestBefore.resolved(near: 2025) == (2024, 2, 29))
        #expect(GS1Date(yy: 26, month: 4, day: 0).resolved(near: 2025) == (2026, 4, 30))
        #expect(GS1Date(yy: 26, month: 4, day: 0).description == "26-04 end of month")
        #expect(GS1Date(yy: 26, month: 4, day: 9).description == "26-04-09")
        // GS1 century rule: up to 49 years ahead, otherwise the past.
        #expect(GS1Date(yy: 75, month: 1, day: 1).year(near: 2025) == 2075)
        #expect(GS1Date(yy: 76, month: 1, day: 1).year(near: 2025) == 1976)
        #expect(GS1Date(yy: 10, month: 1, day: 1).year(near: 2085) == 2110)
        #expect(GS1Date(yy: 99, month: 1, day: 1).year(near: 2001) == 1999)
    }

    @Test func decimalsAndCurrencies() throws {
        let parsed = try GS1ElementString.parse("(01)09506000134352(3102)001250(3932)9781999(8005)000250")
        #expect(parsed.element("3102")?.meaning == .decimal(GS1Decimal(units: 1250, decimals: 2)))
        guard case .amount(let amount, let currency)? = parsed.element("393n")?.meaning else {
            Issue.record("no amount")
            return
        }
        #expect(currency.numeric == "978" && currency.code == "EUR")
        #expect(amount.description == "19.99")
        #expect(amount.money(Currency(code: "EUR", minorDigits: 2))?.minorUnits == 1999)
        #expect(GS1Decimal(units: 12345, decimals: 3).money(cny) == nil)
        #expect(GS1Decimal(units: 1234, decimals: 1).money(cny)?.minorUnits == 12340)
        #expect(GS1Decimal(units: 5, decimals: 4).description == "0.0005")
        #expect(GS1Decimal(units: 5, decimals: 0).description == "5")
        #expect(GS1Decimal(units: 999_999_999_999_999, decimals: 0).units(withDecimals: 9) == nil)
    }

    @Test func couponFields() throws {
        let parsed = try GS1ElementString.parse("]e0" + "8110" + "1061414112345631501100003261231")
        guard case .coupon(let c)? = parsed.element("8110")?.meaning else {
            Issue.record("no coupon")
            return
        }
        #expect(c.companyPrefix == "0614141")
        #expect(c.offerCode == "123456")
        #expect(c.saveValue == 150)
        #expect(c.purchases.count == 1)
        #expect(c.purchases.first?.requirement == 1)
        #expect(c.purchases.first?.requirementCode == 0)
        #expect(c.purchases.first?.familyCode == "000")
        #expect(c.expiry == GS1Date(yy: 26, month: 12, day: 31))
        let pos = try GS1ElementString.parse("8112" + "001234561234560123456")
        guard case .paperlessCoupon(let p)? = pos.element("8112")?.meaning else {
            Issue.record("no paperless coupon")
            return
        }
        #expect([p.funder, p.offerCode, p.serial] == ["123456", "123456", "123456"] && p.formatCode == 0)
    }

    @Test func bracketedEscapedParenthesis() throws {
        let parsed = try GS1ElementString.parse(#"(01)09506000134352(10)AB\(1)"#)
        #expect(parsed.element("10")?.value == "AB(1)")
    }
}
