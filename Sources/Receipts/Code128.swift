/// Why `Code128.modules(for:)` could not make a symbol.
public enum Code128Error: Error, Hashable, Sendable {
    case empty
    /// Only ASCII 32...126 is encoded; `position` counts Characters from 0.
    case unsupportedCharacter(Character, position: Int)
}

/// Code 128 linear barcode (ISO/IEC 15417) using code sets B and C.
public enum Code128 {
    /// Bars and spaces as modules, `true` = dark, from the start character to the end of
    /// the stop pattern. No quiet zone: leave at least 10 light modules on either side.
    /// The length is 11 × (start + symbol characters + check character) + 13 for the stop.
    public static func modules(for text: String) throws(Code128Error) -> [Bool] {
        let values = try symbolValues(for: text)
        var modules: [Bool] = []
        modules.reserveCapacity(values.count * 11 + 2)
        for value in values {
            // Widths alternate bar, space, bar, …; every pattern starts with a bar.
            for (index, width) in patterns[value].enumerated() {
                modules.append(contentsOf: repeatElement(index % 2 == 0, count: width))
            }
        }
        return modules
    }

    // Symbol character values with a fixed meaning (ISO/IEC 15417 Table 1).
    static let codeC = 99     // in code set B: switch to code set C
    static let codeB = 100    // in code set C: switch to code set B
    static let startB = 104
    static let startC = 105
    static let stop = 106

    /// Start, data, check character and stop as symbol character values.
    static func symbolValues(for text: String) throws(Code128Error) -> [Int] {
        var bytes: [UInt8] = []
        for (position, character) in text.enumerated() {
            guard let ascii = character.asciiValue, (32...126).contains(ascii) else {
                throw .unsupportedCharacter(character, position: position)
            }
            bytes.append(ascii)
        }
        guard !bytes.isEmpty else { throw .empty }

        var values = encode(bytes)
        // Check character: start value plus each symbol value times its position (from 1),
        // modulo 103 (the symbol check character of ISO/IEC 15417).
        var sum = values[0]
        for (position, value) in values.enumerated().dropFirst() { sum += position * value }
        values.append(sum % 103)
        values.append(stop)
        return values
    }

    /// The shortest encoding with code sets B and C. In B each character costs one symbol;
    /// in C each pair of digits costs one; each switch (Code C / Code B) costs one.
    /// Dynamic programming from the end: `best[i][s]` is the fewest symbols for bytes[i...]
    /// when code set `s` is current. On a tie we keep the current set, and B is preferred
    /// at the start, so short digit runs inside text stay in B.
    private static func encode(_ bytes: [UInt8]) -> [Int] {
        let n = bytes.count
        let b = 0, c = 1
        let impossible = Int.max / 4
        func isDigitPair(_ i: Int) -> Bool {
            i + 1 < n && (48...57).contains(bytes[i]) && (48...57).contains(bytes[i + 1])
        }
        var best = Array(repeating: [0, 0], count: n + 2)
        // Cost of encoding the next unit in the given set without switching.
        func stayB(_ i: Int) -> Int { 1 + best[i + 1][b] }
        func stayC(_ i: Int) -> Int { isDigitPair(i) ? 1 + best[i + 2][c] : impossible }
        for i in stride(from: n - 1, through: 0, by: -1) {
            best[i][b] = min(stayB(i), 1 + stayC(i))
            best[i][c] = min(stayC(i), 1 + stayB(i))
        }

        var set = best[0][c] < best[0][b] ? c : b
        var values = [set == b ? startB : startC]
        var i = 0
        while i < n {
            if set == b {
                if 1 + stayC(i) < stayB(i) {
                    values.append(codeC)
                    set = c
                } else {
                    values.append(Int(bytes[i]) - 32)  // code set B value = ASCII - 32
                    i += 1
                }
            } else {
                if stayC(i) <= 1 + stayB(i) {
                    values.append(Int(bytes[i] - 48) * 10 + Int(bytes[i + 1] - 48))
                    i += 2
                } else {
                    values.append(codeB)
                    set = b
                }
            }
        }
        return values
    }

    /// Module widths of symbol characters 0...105 (bar, space, bar, space, bar, space) and of
    /// the stop character 106 (with its final 2-module bar), ISO/IEC 15417 Table 1.
    static let patterns: [[Int]] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",  //   0
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",  //  10
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",  //  20
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",  //  30
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",  //  40
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",  //  50
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",  //  60
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",  //  70
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",  //  80
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",  //  90
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",                              // 100
    ].map { $0.map { Int(String($0))! } }
}
