import KioskTestSupport
import Testing
@testable import Receipts

/// Printable ASCII only: zbar guesses a text encoding for QR byte data and would
/// transcode other bytes.
func randomPrintableASCII(count: Int, using rng: inout SplitMix64) -> [UInt8] {
    (0..<count).map { _ in UInt8.random(in: 32...126, using: &rng) }
}

struct QRPayload: Sendable, CustomTestStringConvertible {
    let label: String
    let data: [UInt8]
    let errorCorrection: QRCode.ErrorCorrection
    var testDescription: String { "\(label) (\(data.count) bytes, \(errorCorrection))" }
}

@Suite struct QRCodeTests {
    // MARK: Reed–Solomon

    /// The encoding example in an annex of ISO/IEC 18004: "01234567" as version 1-M. Its 16 data
    /// codewords (numeric mode plus padding) and the 10 error correction codewords
    /// the standard gives for them.
    @Test func reedSolomonMatchesTheStandardsExample() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11,
                             0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let expected: [UInt8] = [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55]
        #expect(QRCode.ReedSolomon.errorCorrection(for: data, count: 10) == expected)
    }

    /// A Reed–Solomon codeword, read as a polynomial, vanishes at α^0 … α^(n-1).
    @Test(arguments: [7, 10, 13, 17, 18, 22, 26, 28, 30])
    func reedSolomonCodewordsHaveZeroSyndromes(ecCount: Int) {
        var rng = SplitMix64(seed: UInt64(ecCount))
        let data = (0..<(50 + ecCount)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let codeword = data + QRCode.ReedSolomon.errorCorrection(for: data, count: ecCount)
        for i in 0..<ecCount {
            var value: UInt8 = 0  // Horner's rule, highest power first
            for c in codeword { value = QRCode.GF256.multiply(value, QRCode.GF256.exp[i]) ^ c }
            #expect(value == 0, "syndrome \(i)")
        }
    }

    /// Byte mode "A" in 1-M, by hand: 0100 (byte mode), 00000001 (count), 01000001 ('A'),
    /// 0000 (terminator) = 0x40 0x14 0x10, then pad codewords EC 11 … up to 16.
    @Test func dataCodewordsOfAKnownExample() {
        let expected: [UInt8] = [0x40, 0x14, 0x10] + (0..<13).map { $0 % 2 == 0 ? 0xEC : 0x11 }
        #expect(QRCode.dataCodewords(for: [0x41], version: 1, count: 16) == expected)
        // A full symbol: no room for the terminator (1-L holds 17 bytes in 19 codewords).
        let full = QRCode.dataCodewords(for: [UInt8](repeating: 0x41, count: 17), version: 1, count: 19)
        #expect(full.count == 19 && full.last == 0x10)
    }

    // MARK: Tables

    /// Total codewords per version, ISO/IEC 18004:2015 Table 1, against the count derived
    /// from the function pattern layout.
    @Test func totalCodewordsMatchTable1() {
        let table1 = [1: 26, 2: 44, 3: 70, 4: 100, 5: 134, 6: 172, 7: 196, 8: 242, 9: 292, 10: 346,
                      14: 581, 20: 1085, 21: 1156, 27: 1828, 40: 3706]
        for (version, total) in table1 {
            #expect(QRCode.totalCodewords[version - 1] == total, "version \(version)")
        }
    }

    /// Byte mode capacities, ISO/IEC 18004:2015 Table 7.
    @Test func byteCapacitiesMatchTable7() {
        let table7: [(Int, QRCode.ErrorCorrection, Int)] = [
            (1, .low, 17), (1, .medium, 14), (1, .quartile, 11), (1, .high, 7),
            (2, .low, 32), (2, .medium, 26), (2, .quartile, 20), (2, .high, 14),
            (10, .low, 271), (10, .medium, 213), (10, .quartile, 151), (10, .high, 119),
            (40, .low, 2953), (40, .medium, 2331), (40, .quartile, 1663), (40, .high, 1273),
        ]
        for (version, level, capacity) in table7 {
            #expect(QRCode.byteCapacity(version: version, errorCorrection: level) == capacity, "\(version)-\(level)")
        }
    }

    /// Every version/level leaves room for data, and no block is longer than 255 codewords.
    @Test func blockLayoutsAreConsistent() {
        for version in 1...40 {
            for level in QRCode.ErrorCorrection.allCases {
                let layout = QRCode.BlockLayout(version: version, errorCorrection: level)
                let dataCount = (0..<layout.blocks).reduce(0) { $0 + layout.dataCount(ofBlock: $1) }
                #expect(dataCount == layout.dataCodewords)
                #expect(layout.shortBlockData > 0)
                #expect(layout.shortBlockData + 1 + layout.ecPerBlock <= 255)
                // More error correction leaves less data.
                if level != .low {
                    let weaker = QRCode.ErrorCorrection.allCases[level.tableIndex - 1]
                    #expect(layout.dataCodewords < QRCode.BlockLayout(version: version, errorCorrection: weaker).dataCodewords)
                }
            }
        }
    }

    /// Table E.1 rows: first centre 6, last size - 7, v/7 + 2 of them, evenly spaced after
    /// the first gap.
    @Test func alignmentCentresAreWellFormed() {
        #expect(QRCode.Tables.alignmentCenters[0].isEmpty)
        for version in 2...40 {
            let centers = QRCode.Tables.alignmentCenters[version - 1]
            #expect(centers.count == version / 7 + 2, "version \(version)")
            #expect(centers.first == 6)
            #expect(centers.last == 17 + 4 * version - 7)
            let gaps = zip(centers.dropFirst(), centers).map { $0 - $1 }
            #expect(Set(gaps.dropFirst()).count <= 1, "version \(version)")
            #expect(gaps.allSatisfy { $0 > 0 && $0 % 2 == 0 }, "version \(version)")
        }
    }

    /// ISO/IEC 18004:2015 Annex C, Table C.1: format information bit sequences.
    @Test func formatInformationMatchesAnnexC() {
        let tableC1: [QRCode.ErrorCorrection: [String]] = [
            .low: ["111011111000100", "111001011110011", "111110110101010", "111100010011101",
                   "110011000101111", "110001100011000", "110110001000001", "110100101110110"],
            .medium: ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                      "100010111111001", "100000011001110", "100111110010111", "100101010100000"],
            .quartile: ["011010101011111", "011000001101000", "011111100110001", "011101000000110",
                        "010010010110100", "010000110000011", "010111011011010", "010101111101101"],
            .high: ["001011010001001", "001001110111110", "001110011100111", "001100111010000",
                    "000011101100010", "000001001010101", "000110100001100", "000100000111011"],
        ]
        for (level, row) in tableC1 {
            for (mask, bits) in row.enumerated() {
                #expect(QRCode.formatInformation(errorCorrection: level, mask: mask) == Int(bits, radix: 2), "\(level) mask \(mask)")
            }
        }
    }

    /// ISO/IEC 18004:2015 Annex D, Table D.1: version information bit sequences.
    @Test func versionInformationMatchesAnnexD() {
        #expect(QRCode.versionInformation(version: 7) == 0x07C94)
        #expect(QRCode.versionInformation(version: 8) == 0x085BC)
        #expect(QRCode.versionInformation(version: 40) == 0x28C69)
    }

    // MARK: Structure

    @Test func shortDataIsVersion1WithFinderAndTimingPatterns() throws {
        let m = try QRCode.matrix(for: "Thank you!")
        #expect(m.width == 21 && m.height == 21)

        // Finder: dark 7×7 ring, light ring, dark 3×3 core; light separator outside.
        for (ox, oy) in [(0, 0), (14, 0), (0, 14)] {
            for dy in 0..<7 {
                for dx in 0..<7 {
                    let ring = max(abs(dx - 3), abs(dy - 3))
                    #expect(m[ox + dx, oy + dy] == (ring != 2), "finder at \(ox),\(oy)")
                }
            }
        }
        for i in 0..<8 {
            #expect(!m[7, i] && !m[i, 7])          // top left
            #expect(!m[13, i] && !m[13 + i, 7])    // top right
            #expect(!m[7, 13 + i] && !m[i, 13])    // bottom left
        }
        // Timing patterns between the finders.
        for i in 8...12 {
            #expect(m[i, 6] == (i % 2 == 0))
            #expect(m[6, i] == (i % 2 == 0))
        }
        #expect(m[8, 21 - 8])  // the dark module
    }

    /// Reads both copies of the format information back (ISO/IEC 18004:2015 Figure 25).
    static func formatCopies(_ m: BitMatrix) -> (Int, Int) {
        let n = m.width
        let first: [(Int, Int)] = [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8),
                                   (7, 8), (5, 8), (4, 8), (3, 8), (2, 8), (1, 8), (0, 8)]
        let second: [(Int, Int)] = (0..<8).map { (n - 1 - $0, 8) } + (8..<15).map { (8, n - 15 + $0) }
        func read(_ positions: [(Int, Int)]) -> Int {
            positions.enumerated().reduce(0) { $0 | (m[$1.element.0, $1.element.1] ? 1 << $1.offset : 0) }
        }
        return (read(first), read(second))
    }

    @Test(arguments: QRCode.ErrorCorrection.allCases)
    func formatInformationNamesTheLevelAndTheLowestPenaltyMask(level: QRCode.ErrorCorrection) throws {
        let data = Array("https://receipts.example/r/L01-1795611092153?c=BB1A6031".utf8)
        let symbol = try QRCode.symbol(for: data, errorCorrection: level)
        let (first, second) = Self.formatCopies(symbol.matrix)
        #expect(first == second)
        // Unmask with 101010000010010 and read the level bits and the mask number.
        let format = first ^ 0b101010000010010
        let levelBits = format >> 13, mask = (format >> 10) & 7
        #expect(levelBits == level.formatBits)
        #expect(mask == symbol.mask)

        // The chosen mask scores lowest of the eight.
        var grid = QRCode.Grid(version: symbol.version)
        let layout = QRCode.BlockLayout(version: symbol.version, errorCorrection: level)
        grid.place(QRCode.interleave(QRCode.dataCodewords(for: data, version: symbol.version, count: layout.dataCodewords), layout: layout))
        let penalties = (0..<8).map { mask in
            var masked = grid
            masked.applyMask(mask)
            masked.drawFormatInformation(errorCorrection: level, mask: mask)
            return QRCode.Grid.penalty(masked.modules)
        }
        #expect(penalties[symbol.mask] == penalties.min())
        #expect(penalties.firstIndex(of: penalties.min()!) == symbol.mask)
    }

    @Test func versionInformationAppearsFromVersion7() throws {
        var rng = SplitMix64(seed: 7)
        // 7-M holds 122 bytes, 6-M 106.
        let m7 = try QRCode.symbol(for: randomPrintableASCII(count: 120, using: &rng), errorCorrection: .medium)
        #expect(m7.version == 7 && m7.matrix.width == 45)
        let n = m7.matrix.width
        var upperRight = 0, lowerLeft = 0
        for i in 0..<18 {
            if m7.matrix[n - 11 + i % 3, i / 3] { upperRight |= 1 << i }
            if m7.matrix[i / 3, n - 11 + i % 3] { lowerLeft |= 1 << i }
        }
        #expect(upperRight == 0x07C94 && lowerLeft == 0x07C94)

        let m6 = try QRCode.symbol(for: randomPrintableASCII(count: 100, using: &rng), errorCorrection: .medium)
        #expect(m6.version == 6 && m6.matrix.width == 41)
    }

    @Test func penaltyRules() {
        // N1: 12 light modules in a row score 3 + 7.
        #expect(QRCode.Grid.linePenalty(Array(repeating: false, count: 12)) == 10)
        // N3: 1:1:3:1:1 with four light modules before it (no run of 5 anywhere).
        #expect(QRCode.Grid.linePenalty([false, false, false, false, true, false, true, true, true, false, true]) == 40)
        // ...or after it; the edge of the symbol counts as light, but one pattern scores once.
        #expect(QRCode.Grid.linePenalty([true, false, true, true, true, false, true, false, false, false, false]) == 40)
        // Dark modules within four of both ends: no score.
        #expect(QRCode.Grid.linePenalty([true, false, false, true, false, true, true, true, false, true, true, false, true]) == 0)
        // All light 21×21: N1 42 lines × (3 + 16), N2 20 × 20 × 3, N4 10 steps × 10.
        #expect(QRCode.Grid.penalty(BitMatrix(width: 21, height: 21)) == 42 * 19 + 1200 + 100)
    }

    @Test func tooLongDataThrows() throws {
        #expect(throws: QRCodeError.tooLong(bytes: 2332, capacity: 2331)) {
            try QRCode.matrix(for: [UInt8](repeating: 0x41, count: 2332))
        }
        #expect(throws: QRCodeError.tooLong(bytes: 2954, capacity: 2953)) {
            try QRCode.matrix(for: [UInt8](repeating: 0x41, count: 2954), errorCorrection: .low)
        }
        let largest = try QRCode.matrix(for: [UInt8](repeating: 0x41, count: 2331))
        #expect(largest.width == 177)
    }

    // MARK: Decoding with zbar

    static let receiptURL = "https://receipts.example/r/L01-1795611092153?c=BB1A6031"
    static let chinese = "收据 L01-1795611092153：苹果 2 × ¥3.50，牛奶 ¥12.80，合计 ¥19.80。谢谢惠顾，欢迎再次光临！"

    /// 128 payloads: fixed texts at every level; random printable ASCII from 1 to 600 bytes
    /// with the level rotating (versions 1 to 27); and one full symbol of every version.
    static let payloads: [QRPayload] = {
        var cases: [QRPayload] = []
        let levels = QRCode.ErrorCorrection.allCases
        let texts: [(String, String)] = [
            ("single character", "A"),
            ("receipt URL", receiptURL),
            ("Chinese", chinese),
            ("long Chinese", String(repeating: chinese, count: 4)),
            ("ASCII sentence", "Organic Cold Pressed Extra Virgin Olive Oil 500ml x2 @ 7.99 = 15.98"),
        ]
        for (label, text) in texts {
            for level in levels { cases.append(QRPayload(label: label, data: Array(text.utf8), errorCorrection: level)) }
        }
        var rng = SplitMix64(seed: 18004)
        let lengths = [1, 2, 3, 7, 11, 14, 15, 17, 20, 25, 26, 32, 33, 42, 47, 53, 60, 62, 77, 84,
                       98, 100, 106, 119, 122, 134, 152, 154, 180, 195, 202, 213, 230, 244, 271, 287,
                       300, 321, 331, 367, 382, 400, 425, 458, 482, 520, 535, 560, 586, 600,
                       5, 9, 64, 128, 256, 333, 444, 555, 599, 600, 150, 250, 350, 450, 550, 575, 590, 597]
        for (index, length) in lengths.enumerated() {
            let level = levels[index % levels.count]
            cases.append(QRPayload(label: "random #\(index)", data: randomPrintableASCII(count: length, using: &rng), errorCorrection: level))
        }
        // Every version once, filled to capacity (so without room for a terminator).
        for version in 1...40 {
            let level = levels[version % levels.count]
            let length = QRCode.byteCapacity(version: version, errorCorrection: level)
            cases.append(QRPayload(label: "full version \(version)", data: randomPrintableASCII(count: length, using: &rng), errorCorrection: level))
        }
        return cases
    }()

    @Test(arguments: payloads)
    func zbarReadsTheSymbol(payload: QRPayload) throws {
        let m = try QRCode.matrix(for: payload.data, errorCorrection: payload.errorCorrection)
        let image = render(m, scale: 4, quietZone: 4)
        let symbols = zbarDecode(gray: image.gray, width: image.width, height: image.height)
        try #require(symbols.count == 1)
        #expect(symbols[0].symbology == "QR-Code")
        #expect(symbols[0].data == payload.data)
    }

    @Test func payloadsSpanVersionsAndLevels() throws {
        #expect(Self.payloads.count >= 60)
        var versions = Set<Int>()
        for payload in Self.payloads {
            versions.insert(try QRCode.symbol(for: payload.data, errorCorrection: payload.errorCorrection).version)
        }
        #expect(versions == Set(1...40))
        for level in QRCode.ErrorCorrection.allCases {
            #expect(Self.payloads.filter { $0.errorCorrection == level }.count >= 15)
        }
    }

    /// Either copy of the format information alone must be right. A readable copy is
    /// trusted, so the spoiled copy gets a pattern at least 4 bits away from all 32 valid
    /// ones (the code corrects up to 3), which leaves the reader only the other copy.
    @Test(arguments: [0, 1])
    func eitherFormatCopySuffices(spoiled: Int) throws {
        let valid = QRCode.ErrorCorrection.allCases.flatMap { level in
            (0..<8).map { QRCode.formatInformation(errorCorrection: level, mask: $0) }
        }
        let unreadable = try #require((0..<(1 << 15)).first { candidate in
            valid.allSatisfy { ($0 ^ candidate).nonzeroBitCount >= 4 }
        })
        let data = Array(Self.receiptURL.utf8)
        var m = try QRCode.matrix(for: data, errorCorrection: .quartile)
        let n = m.width
        let positions: [(Int, Int)] = spoiled == 0
            ? [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8), (7, 8), (5, 8), (4, 8), (3, 8), (2, 8), (1, 8), (0, 8)]
            : (0..<8).map { (n - 1 - $0, 8) } + (8..<15).map { (8, n - 15 + $0) }
        for (bit, (x, y)) in positions.enumerated() { m[x, y] = (unreadable >> bit) & 1 == 1 }
        let image = render(m, scale: 4, quietZone: 4)
        let symbols = zbarDecode(gray: image.gray, width: image.width, height: image.height)
        try #require(symbols.count == 1)
        #expect(symbols[0].data == data)
    }

    /// The stream positions of each block's codewords (data, then EC) after interleaving.
    static func blockPositions(_ layout: QRCode.BlockLayout) -> [[Int]] {
        var positions = [[Int]](repeating: [], count: layout.blocks)
        var next = 0
        for i in 0...layout.shortBlockData {
            for block in 0..<layout.blocks where i < layout.dataCount(ofBlock: block) {
                positions[block].append(next)
                next += 1
            }
        }
        for _ in 0..<layout.ecPerBlock {
            for block in 0..<layout.blocks {
                positions[block].append(next)
                next += 1
            }
        }
        return positions
    }

    /// zbar silently corrects errors, so a round trip alone would hide a few misplaced
    /// modules. Here every block already carries as many damaged codewords as its EC
    /// codewords can correct (half of them): one more error anywhere in the symbol and the
    /// block is unreadable, as the second half of the test shows. (Version 4 and up: smaller
    /// versions reserve some EC codewords for error detection.)
    @Test(arguments: [(80, QRCode.ErrorCorrection.low), (100, .medium), (61, .high), (200, .quartile),
                      (300, .high), (450, .medium), (600, .low), (600, .quartile),
                      (1273, .high), (2331, .medium)])
    func symbolsCarryNoErrorsOfTheirOwn(length: Int, level: QRCode.ErrorCorrection) throws {
        var rng = SplitMix64(seed: UInt64(length))
        let data = randomPrintableASCII(count: length, using: &rng)
        let version = try QRCode.symbol(for: data, errorCorrection: level).version
        try #require(version >= 4)
        let layout = QRCode.BlockLayout(version: version, errorCorrection: level)
        let clean = QRCode.interleave(QRCode.dataCodewords(for: data, version: version, count: layout.dataCodewords), layout: layout)

        func decode(damagingPerBlock count: Int) -> [[UInt8]] {
            var codewords = clean
            for block in Self.blockPositions(layout) {
                for position in block.prefix(count) { codewords[position] ^= 0xA5 }
            }
            let m = QRCode.symbol(version: version, errorCorrection: level, codewords: codewords).matrix
            let image = render(m, scale: 4, quietZone: 4)
            return zbarDecode(gray: image.gray, width: image.width, height: image.height).map(\.data)
        }
        let correctable = layout.ecPerBlock / 2
        #expect(decode(damagingPerBlock: correctable) == [data], "version \(version)")
        #expect(!decode(damagingPerBlock: correctable + 1).contains(data), "version \(version)")
    }

    /// Same idea for the two copies of the version information (versions 7 and up): spoil
    /// the upper-right copy (0), the lower-left one (1), or both (2, which must fail).
    @Test(arguments: [0, 1, 2])
    func eitherVersionCopySuffices(spoiled: Int) throws {
        let valid = (7...40).map { QRCode.versionInformation(version: $0) }
        let unreadable = try #require((0..<(1 << 18)).first { candidate in
            valid.allSatisfy { ($0 ^ candidate).nonzeroBitCount >= 5 }
        })
        var rng = SplitMix64(seed: 99)
        let data = randomPrintableASCII(count: 300, using: &rng)
        var m = try QRCode.matrix(for: data, errorCorrection: .low)
        let n = m.width
        for i in 0..<18 {
            let bit = (unreadable >> i) & 1 == 1
            if spoiled != 1 { m[n - 11 + i % 3, i / 3] = bit }  // upper right
            if spoiled != 0 { m[i / 3, n - 11 + i % 3] = bit }  // lower left
        }
        let image = render(m, scale: 4, quietZone: 4)
        let symbols = zbarDecode(gray: image.gray, width: image.width, height: image.height)
        if spoiled == 2 {
            #expect(symbols.isEmpty)  // the reader does use the version information
        } else {
            #expect(symbols.map(\.data) == [data])
        }
    }
}
