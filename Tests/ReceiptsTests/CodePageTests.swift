import Foundation
import KioskTestSupport
import Testing
@testable import Receipts
import Retail

/// Western text through ESC t code pages: the tables, which page a character comes from,
/// when ESC t and FS . are sent, and the profiles that list the pages.
@Suite struct CodePageTests {
    static func profile(_ pages: [CodePage], chinese: Bool = false) -> PrinterProfile {
        PrinterProfile(name: "Pages", paperWidth: .mm80, supportsChinese: chinese, cutter: true, codePages: pages)
    }

    static func bytes(_ commands: [ESCPOSCommand], _ profile: PrinterProfile) -> [UInt8] {
        ESCPOSEncoder(profile: profile).encode(commands)
    }

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func escT(_ n: UInt8) -> [UInt8] { [0x1B, 0x74, n] }
    static let chineseOff: [UInt8] = [0x1C, 0x2E]

    // MARK: - Tables

    static let glibcNames: [CodePage: String] = [.pc437: "IBM437", .pc850: "IBM850", .pc858: "IBM858", .wpc1252: "CP1252"]

    /// Our hand-written tables against glibc's, byte by byte: same character, or both undefined.
    @Test(arguments: CodePage.allCases)
    func tablesAgreeWithGlibc(page: CodePage) throws {
        let decoder = try Iconv(from: try #require(Self.glibcNames[page]), to: "UTF-8")
        for byte in UInt8(0x80)...UInt8(0xFF) {
            let glibc = (try? decoder.convert([byte])).map { String(decoding: $0, as: UTF8.self) }
            let ours = page.character(for: byte).map(String.init)
            #expect(ours?.unicodeScalars.map(\.value) == glibc?.unicodeScalars.map(\.value),
                    "\(page) 0x\(String(byte, radix: 16, uppercase: true))")
        }
        #expect(page.upperHalf.keys.allSatisfy { $0 >= 0x80 })
    }

    @Test func numbersAndEuroPositions() {
        #expect(CodePage.allCases.map(\.number) == [0, 2, 19, 16])
        #expect(CodePage.pc858.byte(for: "€") == 0xD5)
        #expect(CodePage.wpc1252.byte(for: "€") == 0x80)
        #expect(CodePage.pc850.byte(for: "€") == nil && CodePage.pc850.character(for: 0xD5) == "ı")
        #expect(CodePage.pc437.byte(for: "€") == nil)
        #expect(CodePage.wpc1252.character(for: 0x81) == nil)
        // Everything but PC858's euro is the same in PC850 and PC858.
        #expect((0x80...0xFF).filter { CodePage.pc850.character(for: UInt8($0)) != CodePage.pc858.character(for: UInt8($0)) } == [0xD5])
    }

    /// A code page byte prints one column, so only one-column characters may use one; the
    /// soft hyphen (zero columns) is the one exception, and it is dropped instead.
    @Test(arguments: CodePage.allCases)
    func everyTableCharacterIsOneColumn(page: CodePage) {
        for (byte, character) in page.upperHalf where character != "\u{AD}" {
            #expect(displayWidth(character) == 1, "\(page) 0x\(String(byte, radix: 16))")
        }
        #expect(Self.bytes([.text("a\u{AD}b")], Self.profile([.pc850])) == Self.ascii("ab"))
    }

    // MARK: - Encoding

    @Test func cremeBruleeOnOnePage() {
        // PC858: one ESC t 19 before the first accent, then è é û € all from it.
        #expect(Self.bytes([.text("Crème brûlée €4.50")], Self.profile([.pc858]))
                == Self.ascii("Cr") + Self.escT(19) + [0x8A] + Self.ascii("me br") + [0x96] + Self.ascii("l") + [0x82]
                + Self.ascii("e ") + [0xD5] + Self.ascii("4.50"))
        #expect(Self.bytes([.text("Crème brûlée €4.50")], Self.profile([.wpc1252]))
                == Self.ascii("Cr") + Self.escT(16) + [0xE8] + Self.ascii("me br") + [0xFB] + Self.ascii("l") + [0xE9]
                + Self.ascii("e ") + [0x80] + Self.ascii("4.50"))
    }

    @Test func cremeBruleeOnAChinesePrinterWithPC437First() throws {
        // Table 0 is selected after ESC @, so the accents need no ESC t; FS . first, because
        // such a printer may start in Chinese mode. "€" is only on PC858, and once it is
        // selected the next "è" comes from it too: no switching back to PC437.
        let encoded = Self.bytes([.initialize, .text("Crème brûlée €4.50"), .newline, .text("Crème")], Self.profile([.pc437, .pc858], chinese: true))
        #expect(encoded == [0x1B, 0x40] + Self.ascii("Cr") + Self.chineseOff + [0x8A] + Self.ascii("me br") + [0x96]
                + Self.ascii("l") + [0x82] + Self.ascii("e ") + Self.escT(19) + [0xD5] + Self.ascii("4.50\n")
                + Self.ascii("Cr") + [0x8A] + Self.ascii("me"))
        #expect(try PrinterEmulator.printedLines(encoded, chineseModeAtReset: true) == ["Crème brûlée €4.50", "Crème"])
    }

    @Test func pagesAndChineseModeAreSwitchedOnlyWhenNeeded() {
        let profile = Self.profile([.pc858], chinese: true)
        let commands: [ESCPOSCommand] = [
            .initialize, .text("é"), .newline, .text("è €"), .text("ü"), .text("苹"), .text("à"),
            .initialize, .text("ñ"),
        ]
        // After a Chinese run FS . has been sent, so no second one; ESC @ forgets both.
        #expect(Self.bytes(commands, profile) == [0x1B, 0x40] + Self.chineseOff + Self.escT(19) + [0x82, 0x0A, 0x8A, 0x20, 0xD5, 0x81]
                + [0x1C, 0x26, 0xC6, 0xBB, 0x1C, 0x2E] + [0x85]
                + [0x1B, 0x40] + Self.chineseOff + Self.escT(19) + [0xA4])
        // Without Chinese mode there is no FS at all; with PC437 first, no ESC t either.
        #expect(Self.bytes([.initialize, .text("Ça coûte 3 °C")], Self.profile([.pc437, .pc858]))
                == [0x1B, 0x40, 0x80] + Self.ascii("a co") + [0x96] + Self.ascii("te 3 ") + [0xF8] + Self.ascii("C"))
    }

    @Test func theSelectedPageServesWhileItHasTheCharacter() {
        // € is not on PC437: WPC1252, which then has é and Œ; ░ is only on PC437 again.
        #expect(Self.bytes([.text("é € é Œ ░ é")], Self.profile([.pc437, .wpc1252]))
                == [0x82, 0x20] + Self.escT(16) + [0x80, 0x20, 0xE9, 0x20, 0x8C, 0x20] + Self.escT(0) + [0xB0, 0x20, 0x82])
        // Table 0 is selected but not listed: the first listed page that has é.
        #expect(Self.bytes([.text("é")], Self.profile([.pc850, .pc858])) == Self.escT(2) + [0x82])
    }

    @Test func explicitCodePageCommandsAreTracked() {
        let profile = Self.profile([.pc858, .wpc1252])
        #expect(Self.bytes([.codePage(.pc858), .text("é")], profile) == Self.escT(19) + [0x82])
        #expect(Self.bytes([.codePage(.wpc1252), .text("é")], profile) == Self.escT(16) + [0xE9])
        #expect(Self.bytes([.codePage(.pc850), .text("é")], Self.profile([.pc858])) == Self.escT(2) + Self.escT(19) + [0x82])
    }

    @Test(arguments: [
        ("Złoty", "Z?oty"),          // ł is in none of them
        ("2 − 1", "2 ? 1"),          // U+2212 minus sign
        ("q\u{301}", "?"),           // no precomposed form: one column, one "?"
        ("😀é", "??\u{82}"),          // emoji stay two "?"
    ])
    func charactersNoListedPageHasAreQuestionMarks(text: String, printed: String) {
        let expected = printed.unicodeScalars.map { UInt8($0.value) }
        // PC437 is first and selected: é needs no ESC t.
        #expect(Self.bytes([.text(text)], Self.profile(CodePage.allCases)) == expected)
    }

    @Test func aProfileWithOnlyPC437PrintsTheEuroAsAQuestionMark() {
        let pc437 = Self.profile([.pc437])
        #expect(Self.bytes([.text("€4.50 é")], pc437) == Self.ascii("?4.50 ") + [0x82])
        #expect(Self.bytes([.text("€4.50 é")], Self.profile([])) == Self.ascii("?4.50 ?"))
    }

    @Test func combiningAccentsPrintAsTheirPrecomposedCharacter() throws {
        let encoded = Self.bytes([.text("Cre\u{300}me")], Self.profile([.pc858]))
        #expect(encoded == Self.ascii("Cr") + Self.escT(19) + [0x8A] + Self.ascii("me"))
        #expect(try PrinterEmulator.printedLines(encoded) == ["Crème"])
    }

    @Test func foldsAndInternationalSetsComeBeforeCodePages() {
        let all = Self.profile(CodePage.allCases)
        // × · – ’ print as ASCII look-alikes even though PC850 or WPC1252 has them.
        #expect(Self.bytes([.text("2×3·4–5’")], all) == Self.ascii("2x3.4-5'"))
        // ¥ and £ keep ESC R: no page switch, and safe in Chinese mode.
        #expect(Self.bytes([.text("¥1 £2")], all) == [0x1B, 0x52, 0x08, 0x5C, 0x1B, 0x52, 0x00] + Self.ascii("1 ")
                + [0x1B, 0x52, 0x03, 0x23, 0x1B, 0x52, 0x00] + Self.ascii("2"))
    }

    @Test(arguments: [
        "Crème brûlée €4.50", "Weißbier 0,5 l, Jamón, Smørrebrød, Œuf", "Café 咖啡 ¥3 €2 £1", "½ + ¼ = ¾ ±0.1 µg 4°C",
    ])
    func mixedTextReadsBackOnAChinesePrinter(text: String) throws {
        let profile = Self.profile([.pc858, .wpc1252], chinese: true)
        let encoded = Self.bytes([.initialize, .text(text), .newline], profile)
        #expect(try PrinterEmulator.printedLines(encoded, chineseModeAtReset: true) == [text])
    }

    // MARK: - Profiles

    @Test func codePagesDecodeWithADefault() throws {
        func decode(_ json: String) throws -> PrinterProfile {
            try JSONDecoder().decode(PrinterProfile.self, from: Data(json.utf8))
        }
        let base = #""name": "P", "paperWidth": "mm80", "supportsChinese": false, "cutter": true"#
        #expect(try decode("{\(base)}").codePages == [.pc437])
        #expect(PrinterProfile.generic58mm.codePages == PrinterProfile.defaultCodePages)
        #expect(try decode(#"{\#(base), "codePages": ["wpc1252", "pc858"]}"#).codePages == [.wpc1252, .pc858])
        #expect(try decode(#"{\#(base), "codePages": []}"#).codePages == [])
        #expect(throws: DecodingError.self) { try decode(#"{\#(base), "codePages": ["cp858"]}"#) }
        let profile = Self.profile([.pc858, .pc437])
        #expect(try JSONDecoder().decode(PrinterProfile.self, from: JSONEncoder().encode(profile)) == profile)
    }

    /// devices/printers/*.json, as the kiosk reads them.
    @Test func deviceProfilesListTheirCodePages() throws {
        let directory = repositoryRoot.appendingPathComponent("devices/printers")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 4)
        var profiles: [String: PrinterProfile] = [:]
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            // A file that inherits is only whole once merged: DevicesTests load those.
            guard json["inherits"] == nil else { continue }
            #expect(json["codePages"] != nil, "\(file) should list its code pages")
            let profile = try JSONDecoder().decode(PrinterProfile.self, from: data)
            #expect(profile.codePages.contains(.pc437), "\(file): every ESC/POS printer has PC437")
            #expect(Set(profile.codePages).count == profile.codePages.count, "\(file) lists a page twice")
            profiles[file] = profile
        }
        let epson = try #require(profiles["epson-tm-t20iii.json"])
        #expect(Self.bytes([.text("€")], epson) == Self.escT(16) + [0x80])
    }
}
