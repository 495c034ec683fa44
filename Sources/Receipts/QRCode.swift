/// Why `QRCode.matrix(for:errorCorrection:)` could not make a symbol.
public enum QRCodeError: Error, Hashable, Sendable {
    /// `bytes` of data do not fit a version 40 symbol, which holds `capacity` bytes at the
    /// requested error correction level.
    case tooLong(bytes: Int, capacity: Int)
}

/// QR Code model 2 encoder (ISO/IEC 18004:2015), byte mode only, versions 1 to 40.
public enum QRCode {
    /// Error correction level: roughly 7 %, 15 %, 25 % and 30 % of codewords recoverable.
    public enum ErrorCorrection: Sendable, CaseIterable {
        case low, medium, quartile, high
    }

    /// The symbol for the UTF-8 bytes of `text` (no ECI header: readers take UTF-8 by
    /// content, and receipt URLs are ASCII anyway).
    public static func matrix(for text: String, errorCorrection: ErrorCorrection = .medium) throws(QRCodeError) -> BitMatrix {
        try matrix(for: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// The symbol for `data` in byte mode, in the smallest version that holds it, with the
    /// mask of lowest penalty. Dark modules are `true`; there is no quiet zone (the caller
    /// adds at least 4 light modules around it), so the size is 17 + 4 × version.
    public static func matrix(for data: [UInt8], errorCorrection: ErrorCorrection = .medium) throws(QRCodeError) -> BitMatrix {
        try symbol(for: data, errorCorrection: errorCorrection).matrix
    }

    /// Modules across the symbol `matrix(for:)` would make (17 + 4 × version), without making it:
    /// a printer that draws QR codes itself needs only the size.
    static func width(forBytes count: Int, errorCorrection ec: ErrorCorrection) throws(QRCodeError) -> Int {
        guard let version = (1...40).first(where: { byteCapacity(version: $0, errorCorrection: ec) >= count }) else {
            throw .tooLong(bytes: count, capacity: byteCapacity(version: 40, errorCorrection: ec))
        }
        return 17 + 4 * version
    }

    /// A finished symbol and the choices made for it.
    struct Symbol {
        let version: Int
        let mask: Int
        let matrix: BitMatrix
    }

    static func symbol(for data: [UInt8], errorCorrection ec: ErrorCorrection) throws(QRCodeError) -> Symbol {
        guard let version = (1...40).first(where: { byteCapacity(version: $0, errorCorrection: ec) >= data.count }) else {
            throw .tooLong(bytes: data.count, capacity: byteCapacity(version: 40, errorCorrection: ec))
        }
        let layout = BlockLayout(version: version, errorCorrection: ec)
        let codewords = interleave(dataCodewords(for: data, version: version, count: layout.dataCodewords), layout: layout)
        return symbol(version: version, errorCorrection: ec, codewords: codewords)
    }

    /// Places the final (interleaved) codewords and picks the mask. Separate from the
    /// encoding so tests can feed deliberately damaged codewords.
    static func symbol(version: Int, errorCorrection ec: ErrorCorrection, codewords: [UInt8]) -> Symbol {
        var unmasked = Grid(version: version)
        unmasked.place(codewords)

        // Clause 7.8.3: evaluate all eight masks, keep the lowest penalty (first on a tie).
        var best = (mask: 0, penalty: Int.max, matrix: unmasked.modules)
        for mask in 0..<8 {
            var grid = unmasked
            grid.applyMask(mask)
            grid.drawFormatInformation(errorCorrection: ec, mask: mask)
            let penalty = Grid.penalty(grid.modules)
            if penalty < best.penalty {
                best = (mask, penalty, grid.modules)
            }
        }
        return Symbol(version: version, mask: best.mask, matrix: best.matrix)
    }

    // MARK: Capacity

    /// All codewords (data and error correction) a version holds: the modules left over by
    /// the function patterns, in whole codewords (the 0, 3, 4 or 7 remainder bits are unused).
    /// Counted from the layout rather than tabled, so placement and capacity cannot disagree.
    static let totalCodewords: [Int] = (1...40).map { Grid(version: $0).dataModuleCount / 8 }

    /// Bits of the character count indicator in byte mode (ISO/IEC 18004:2015 Table 3).
    static func countIndicatorBits(version: Int) -> Int {
        version <= 9 ? 8 : 16
    }

    /// How many bytes fit after the mode indicator and the character count.
    static func byteCapacity(version: Int, errorCorrection ec: ErrorCorrection) -> Int {
        let bits = BlockLayout(version: version, errorCorrection: ec).dataCodewords * 8
        return (bits - 4 - countIndicatorBits(version: version)) / 8
    }

    /// The error correction blocks of one version and level. Table 9 lists up to two groups
    /// of blocks per symbol; the second group's blocks hold exactly one more data codeword,
    /// so the number of blocks and EC codewords per block determine the whole split.
    struct BlockLayout {
        let blocks: Int
        let ecPerBlock: Int
        let total: Int

        init(version: Int, errorCorrection ec: ErrorCorrection) {
            blocks = Tables.blockCount[ec.tableIndex][version - 1]
            ecPerBlock = Tables.ecCodewordsPerBlock[ec.tableIndex][version - 1]
            total = QRCode.totalCodewords[version - 1]
        }

        var dataCodewords: Int { total - blocks * ecPerBlock }
        /// Blocks in the first group, which holds the shorter blocks.
        var shortBlocks: Int { blocks - total % blocks }
        var shortBlockData: Int { total / blocks - ecPerBlock }

        func dataCount(ofBlock index: Int) -> Int {
            index < shortBlocks ? shortBlockData : shortBlockData + 1
        }
    }

    // MARK: Codewords

    /// Mode indicator, count, data, terminator and padding, as `count` data codewords
    /// (clauses 7.4.5 and 7.4.10).
    static func dataCodewords(for data: [UInt8], version: Int, count: Int) -> [UInt8] {
        var bits = BitWriter()
        bits.append(0b0100, bitCount: 4)  // byte mode (Table 2)
        bits.append(data.count, bitCount: countIndicatorBits(version: version))
        for byte in data { bits.append(Int(byte), bitCount: 8) }
        // Terminator: up to four 0 bits, fewer if the symbol is full.
        bits.append(0, bitCount: min(4, count * 8 - bits.count))
        // Zero bits up to the next codeword boundary.
        bits.append(0, bitCount: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        // Fill the rest with the pad codewords 11101100 and 00010001 in turn.
        let pads: [UInt8] = [0xEC, 0x11]
        while codewords.count < count {
            codewords.append(pads[(codewords.count - bits.bytes.count) % 2])
        }
        return codewords
    }

    /// Splits the data into blocks, appends each block's Reed–Solomon codewords, and
    /// interleaves: the i-th data codeword of every block, then the i-th EC codeword of
    /// every block (clause 7.6).
    static func interleave(_ data: [UInt8], layout: BlockLayout) -> [UInt8] {
        var dataBlocks: [[UInt8]] = []
        var start = 0
        for index in 0..<layout.blocks {
            let end = start + layout.dataCount(ofBlock: index)
            dataBlocks.append(Array(data[start..<end]))
            start = end
        }
        let ecBlocks = dataBlocks.map { ReedSolomon.errorCorrection(for: $0, count: layout.ecPerBlock) }

        var result: [UInt8] = []
        result.reserveCapacity(layout.total)
        for i in 0...layout.shortBlockData {
            for block in dataBlocks where i < block.count { result.append(block[i]) }
        }
        for i in 0..<layout.ecPerBlock {
            for block in ecBlocks { result.append(block[i]) }
        }
        return result
    }

    // MARK: Format and version information

    /// The 15 format bits for a level and mask: 5 data bits, a BCH(15,5) remainder with
    /// generator x^10 + x^8 + x^5 + x^4 + x^2 + x + 1, then XOR 101010000010010 so the
    /// result is never all zero (clause 7.9.1).
    static func formatInformation(errorCorrection ec: ErrorCorrection, mask: Int) -> Int {
        let data = ec.formatBits << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0b101_0011_0111)) ^ 0b101_0100_0001_0010
    }

    /// The 18 version bits: 6-bit version, then a BCH(18,6) remainder with generator
    /// x^12 + x^11 + x^10 + x^9 + x^8 + x^5 + x^2 + 1 (clause 7.10).
    static func versionInformation(version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0b1_1111_0010_0101)
    }

    /// The remainder of polynomial division over GF(2), bits as coefficients.
    static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = Int.bitWidth - 1 - generator.leadingZeroBitCount
        var remainder = value
        while remainder != 0, Int.bitWidth - 1 - remainder.leadingZeroBitCount >= degree {
            let shift = (Int.bitWidth - 1 - remainder.leadingZeroBitCount) - degree
            remainder ^= generator << shift
        }
        return remainder
    }
}

extension QRCode {
    /// Appends bits most significant first into bytes.
    struct BitWriter {
        private(set) var bytes: [UInt8] = []
        private(set) var count = 0

        mutating func append(_ value: Int, bitCount: Int) {
            for i in stride(from: bitCount - 1, through: 0, by: -1) {
                if count % 8 == 0 { bytes.append(0) }
                if (value >> i) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(count % 8) }
                count += 1
            }
        }
    }
}
