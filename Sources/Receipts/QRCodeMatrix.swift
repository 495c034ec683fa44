extension QRCode {
    /// The module grid of one QR symbol while it is being built: function patterns first,
    /// then data, then a mask and the format information (ISO/IEC 18004:2015 clauses 6.3, 7.7–7.10).
    /// Coordinates are (x: column, y: row) from the top-left corner.
    struct Grid {
        let version: Int
        let size: Int
        private(set) var modules: BitMatrix
        /// Modules that belong to function patterns or format/version information: data and
        /// masking skip them.
        private(set) var isFunction: BitMatrix

        init(version: Int) {
            precondition((1...40).contains(version))
            self.version = version
            size = 17 + 4 * version
            modules = BitMatrix(width: size, height: size)
            isFunction = BitMatrix(width: size, height: size)

            // Timing patterns: row 6 and column 6 alternate, dark on even indices (6.3.5).
            // Drawn across the whole symbol first; the finder patterns then overwrite the ends.
            for i in 0..<size {
                setFunction(6, i, dark: i % 2 == 0)
                setFunction(i, 6, dark: i % 2 == 0)
            }
            // Finder patterns with their light separators in three corners (6.3.3, 6.3.4).
            drawFinder(centerX: 3, centerY: 3)
            drawFinder(centerX: size - 4, centerY: 3)
            drawFinder(centerX: 3, centerY: size - 4)
            drawAlignmentPatterns()
            // Reserve the format information areas; the real bits come with the mask.
            drawFormatBits(0)
            // The single dark module beside the lower-left separator (6.3.3 / Figure 25).
            setFunction(8, size - 8, dark: true)
            if version >= 7 { drawVersionInformation() }
        }

        /// Modules free for codewords and remainder bits.
        var dataModuleCount: Int {
            var count = 0
            for y in 0..<size {
                for x in 0..<size where !isFunction[x, y] { count += 1 }
            }
            return count
        }

        private mutating func setFunction(_ x: Int, _ y: Int, dark: Bool) {
            modules[x, y] = dark
            isFunction[x, y] = true
        }

        /// 7×7 finder (dark ring, light ring, 3×3 dark core) plus the one-module light
        /// separator, clipped at the symbol's edge.
        private mutating func drawFinder(centerX: Int, centerY: Int) {
            for dy in -4...4 {
                for dx in -4...4 {
                    let x = centerX + dx, y = centerY + dy
                    guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                    let ring = max(abs(dx), abs(dy))
                    setFunction(x, y, dark: ring != 2 && ring != 4)
                }
            }
        }

        /// 5×5 alignment patterns at every pair of Table E.1 coordinates, except the three
        /// pairs that fall on finder patterns (6.3.6).
        private mutating func drawAlignmentPatterns() {
            let centers = Tables.alignmentCenters[version - 1]
            guard let last = centers.last else { return }
            for cy in centers {
                for cx in centers {
                    if (cx == 6 && cy == 6) || (cx == 6 && cy == last) || (cx == last && cy == 6) { continue }
                    for dy in -2...2 {
                        for dx in -2...2 {
                            setFunction(cx + dx, cy + dy, dark: max(abs(dx), abs(dy)) != 1)
                        }
                    }
                }
            }
        }

        /// Both copies of the 15 format bits (7.9.1, Figure 25); bit 0 is the least significant.
        /// First copy, around the top-left finder: bits 0–7 down column 8 from the top edge
        /// (skipping the timing row), then bits 8–14 along row 8 to the left edge (skipping the
        /// timing column). Second copy: bits 0–7 along row 8 leftwards from the right edge,
        /// bits 8–14 down column 8 to the bottom edge.
        private mutating func drawFormatBits(_ bits: Int) {
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { setFunction(8, i, dark: bit(i)) }
            setFunction(8, 7, dark: bit(6))
            setFunction(8, 8, dark: bit(7))
            setFunction(7, 8, dark: bit(8))
            for i in 9...14 { setFunction(14 - i, 8, dark: bit(i)) }

            for i in 0...7 { setFunction(size - 1 - i, 8, dark: bit(i)) }
            for i in 8...14 { setFunction(8, size - 15 + i, dark: bit(i)) }
        }

        mutating func drawFormatInformation(errorCorrection: ErrorCorrection, mask: Int) {
            drawFormatBits(QRCode.formatInformation(errorCorrection: errorCorrection, mask: mask))
        }

        /// Both 6×3 copies of the 18 version bits, for versions 7 and up (7.10, Figure 27):
        /// above the lower-left finder and, transposed, left of the upper-right finder.
        private mutating func drawVersionInformation() {
            let bits = QRCode.versionInformation(version: version)
            for i in 0..<18 {
                let dark = (bits >> i) & 1 == 1
                let across = i / 3, along = size - 11 + i % 3
                setFunction(along, across, dark: dark)  // upper right
                setFunction(across, along, dark: dark)  // lower left
            }
        }

        /// Places codewords most significant bit first in two-module-wide columns, starting at
        /// the bottom right and snaking up and down to the left, skipping function modules and
        /// the vertical timing column (7.7.3). Modules left over (remainder bits) stay light.
        mutating func place(_ codewords: [UInt8]) {
            let bitCount = codewords.count * 8
            var index = 0
            var upward = true
            var right = size - 1
            while right > 0 {
                if right == 6 { right = 5 }  // column 6 is the timing pattern: shift left by one
                for step in 0..<size {
                    let y = upward ? size - 1 - step : step
                    for x in [right, right - 1] where !isFunction[x, y] {
                        if index < bitCount {
                            modules[x, y] = (codewords[index / 8] >> UInt8(7 - index % 8)) & 1 == 1
                        }
                        index += 1
                    }
                }
                upward.toggle()
                right -= 2
            }
        }

        /// Inverts the data modules where the mask's condition holds (7.8.2, Table 10;
        /// i is the row, j the column).
        mutating func applyMask(_ mask: Int) {
            for i in 0..<size {
                for j in 0..<size where !isFunction[j, i] && Self.maskCondition(mask, row: i, column: j) {
                    modules[j, i].toggle()
                }
            }
        }

        static func maskCondition(_ mask: Int, row i: Int, column j: Int) -> Bool {
            switch mask {
            case 0: (i + j) % 2 == 0
            case 1: i % 2 == 0
            case 2: j % 3 == 0
            case 3: (i + j) % 3 == 0
            case 4: (i / 2 + j / 3) % 2 == 0
            case 5: (i * j) % 2 + (i * j) % 3 == 0
            case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
            case 7: ((i + j) % 2 + (i * j) % 3) % 2 == 0
            default: preconditionFailure("QR masks are numbered 0 to 7")
            }
        }

        // MARK: Mask evaluation (7.8.3, Table 11)

        /// The sum of the four penalty scores; lower is better.
        static func penalty(_ m: BitMatrix) -> Int {
            let n = m.width
            var total = 0
            for line in 0..<n {
                total += linePenalty((0..<n).map { m[$0, line] })  // row
                total += linePenalty((0..<n).map { m[line, $0] })  // column
            }
            // N2 = 3 for every 2×2 block of one colour (overlapping blocks each count).
            for y in 0..<(n - 1) {
                for x in 0..<(n - 1) {
                    let c = m[x, y]
                    if m[x + 1, y] == c && m[x, y + 1] == c && m[x + 1, y + 1] == c { total += 3 }
                }
            }
            // N4 = 10 for every full 5 % step the dark proportion is away from 50 %.
            var dark = 0
            for y in 0..<n {
                for x in 0..<n where m[x, y] { dark += 1 }
            }
            let steps = abs(dark * 20 - n * n * 10) / (n * n)
            total += 10 * steps
            return total
        }

        /// Rules 1 and 3 along one row or column.
        static func linePenalty(_ line: [Bool]) -> Int {
            var total = 0
            // N1: a run of 5 + k modules of one colour scores 3 + k.
            var runStart = 0
            for i in 1...line.count where i == line.count || line[i] != line[runStart] {
                let run = i - runStart
                if run >= 5 { total += 3 + (run - 5) }
                runStart = i
            }
            // N3 = 40 for each dark-light-dark-dark-dark-light-dark (1:1:3:1:1) with four light
            // modules before or after it: it looks like a finder pattern. Beyond the edge is the
            // light quiet zone.
            func dark(_ i: Int) -> Bool { i >= 0 && i < line.count && line[i] }
            for start in 0...(line.count - 7) {
                guard line[start], !line[start + 1], line[start + 2], line[start + 3], line[start + 4],
                      !line[start + 5], line[start + 6] else { continue }
                let lightBefore = (start - 4..<start).allSatisfy { !dark($0) }
                let lightAfter = (start + 7..<start + 11).allSatisfy { !dark($0) }
                if lightBefore || lightAfter { total += 40 }
            }
            return total
        }
    }
}
