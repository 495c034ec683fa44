import KioskTestSupport
import Testing
@testable import Receipts

@Suite struct Code128Tests {
    @Test func patternsAreWellFormed() {
        #expect(Code128.patterns.count == 107)
        for (value, widths) in Code128.patterns.enumerated() where value < Code128.stop {
            #expect(widths.count == 6 && widths.reduce(0, +) == 11, "value \(value)")
            // Bars take an even number of modules (ISO/IEC 15417 4.3.2 parity).
            #expect((widths[0] + widths[2] + widths[4]) % 2 == 0, "value \(value)")
        }
        #expect(Code128.patterns[Code128.stop] == [2, 3, 3, 1, 1, 1, 2])
        #expect(Set(Code128.patterns).count == 107)
    }

    @Test(arguments: ["A", "PJJ123C", "Receipt #104", "~!@ {}|", "a1b2c3d4"])
    func lengthIsElevenModulesPerSymbolPlusTwo(text: String) throws {
        let modules = try Code128.modules(for: text)
        // No run of 4+ digits: start B, one symbol per character, check, stop.
        #expect(modules.count == 11 * (1 + text.count + 1 + 1) + 2)
        #expect(modules.first == true && modules.last == true)
        // The stop pattern ends with its 2-module bar after a 1-module space.
        #expect(Array(modules.suffix(3)) == [false, true, true])
    }

    /// "PJJ123C" in code set B (value = ASCII - 32):
    ///   start B 104; P 48, J 42, J 42, 1 17, 2 18, 3 19, C 35
    ///   104 + 1·48 + 2·42 + 3·42 + 4·17 + 5·18 + 6·19 + 7·35
    ///   = 104 + 48 + 84 + 126 + 68 + 90 + 114 + 245 = 879 = 8·103 + 55  →  check character 55,
    ///   whose Table 1 widths are 3 1 1 3 2 1.
    @Test func checkCharacterOfAKnownExample() throws {
        #expect(try Code128.symbolValues(for: "PJJ123C") == [104, 48, 42, 42, 17, 18, 19, 35, 55, 106])
        let modules = try Code128.modules(for: "PJJ123C")
        let check = Array(modules[(8 * 11)..<(9 * 11)])
        let expected = [3, 1, 1, 3, 2, 1].enumerated().flatMap { index, width in
            Array(repeating: index % 2 == 0, count: width)
        }
        #expect(check == expected)
    }

    @Test func codeSetCForDigitRuns() throws {
        // All digits, even: start C and pairs — 1 + 5 + check + stop.
        #expect(try Code128.symbolValues(for: "1234567890").dropLast(2) == [105, 12, 34, 56, 78, 90])
        #expect(try Code128.modules(for: "1234567890").count == 11 * 7 + 13)
        #expect(try Code128.modules(for: "1234567890").count < 11 * 12 + 13)  // all-B length
        // Odd runs: the first digit in B, then Code C and pairs, as the standard's guidance
        // on short symbols does; pairs first and Code B for the last digit would be as long.
        #expect(try Code128.symbolValues(for: "12345").dropLast(2) == [104, 17, 99, 23, 45])
        // A trailing run of 4 or more switches.
        #expect(try Code128.symbolValues(for: "ABC123456").dropLast(2) == [104, 33, 34, 35, 99, 12, 34, 56])
        #expect(try Code128.symbolValues(for: "L01-1795611092153").dropLast(2)
                == [104, 44, 16, 17, 13, 17, 99, 79, 56, 11, 9, 21, 53])
        // Four digits inside text cost the same either way: stay in B.
        #expect(try Code128.symbolValues(for: "AB1234CD").dropLast(2) == [104, 33, 34, 17, 18, 19, 20, 35, 36])
        // Three digits never switch.
        #expect(try Code128.symbolValues(for: "123").dropLast(2) == [104, 17, 18, 19])
        // Six digits inside text do: 1 + 3 + 1 < 6.
        #expect(try Code128.symbolValues(for: "A123456B").dropLast(2) == [104, 33, 99, 12, 34, 56, 100, 34])
    }

    @Test func badInputThrows() {
        #expect(throws: Code128Error.empty) { try Code128.modules(for: "") }
        #expect(throws: Code128Error.unsupportedCharacter("é", position: 3)) { try Code128.modules(for: "Caf\u{E9}") }
        #expect(throws: Code128Error.unsupportedCharacter("\t", position: 1)) { try Code128.modules(for: "a\tb") }
        #expect(throws: Code128Error.unsupportedCharacter("苹", position: 2)) { try Code128.modules(for: "12苹果") }
        #expect(throws: Code128Error.unsupportedCharacter("\u{7F}", position: 0)) { try Code128.modules(for: "\u{7F}") }
    }

    // MARK: Decoding with zbar

    static func decode(_ text: String) throws -> [(symbology: String, data: [UInt8])] {
        let image = render(bars: try Code128.modules(for: text), scale: 2, quietZone: 10, barHeight: 60)
        return zbarDecode(gray: image.gray, width: image.width, height: image.height)
    }

    /// 60 strings: printable ASCII, digits only (odd and even lengths) and text with digit runs.
    static let strings: [String] = {
        var rng = SplitMix64(seed: 15417)
        var result = ["PJJ123C", "L01-1795611092153", "BB1A6031", "0", "00", "1234", "12345", " ~"]
        func random(_ count: Int, from characters: [Character]) -> String {
            String((0..<count).map { _ in characters.randomElement(using: &rng)! })
        }
        let printable = (32...126).map { Character(Unicode.Scalar(UInt8($0))) }
        let digits = Array("0123456789")
        for _ in 0..<20 { result.append(random(Int.random(in: 1...30, using: &rng), from: printable)) }
        for _ in 0..<16 { result.append(random(Int.random(in: 1...40, using: &rng), from: digits)) }
        for _ in 0..<16 {
            // Text and digit runs of random lengths interleaved.
            var s = ""
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                s += random(Int.random(in: 1...5, using: &rng), from: printable)
                s += random(Int.random(in: 0...9, using: &rng), from: digits)
            }
            result.append(s)
        }
        return result
    }()

    @Test(arguments: strings)
    func zbarReadsTheSymbol(text: String) throws {
        let symbols = try Self.decode(text)
        try #require(symbols.count == 1)
        #expect(symbols[0].symbology == "CODE-128")
        #expect(symbols[0].data == Array(text.utf8))
    }

    /// Two-character strings "Xc" and "Yc" over all printable c give every check character
    /// value 0...102 (2·value(c) runs through 95 residues mod 103, the two starts shift them),
    /// so every symbol pattern is exercised at least as a check character.
    @Test func zbarAcceptsEveryCheckCharacter() throws {
        var seen = Set<Int>()
        for first in ["X", "Y"] {
            for scalar in 32...126 {
                let text = first + String(Character(Unicode.Scalar(UInt8(scalar))))
                let values = try Code128.symbolValues(for: text)
                seen.insert(values[values.count - 2])
                let symbols = try Self.decode(text)
                #expect(symbols.count == 1 && symbols.first?.data == Array(text.utf8), "\(text)")
            }
        }
        #expect(seen == Set(0...102))
    }
}
