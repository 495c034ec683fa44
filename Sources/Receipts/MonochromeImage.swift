/// Why an image could not be made.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Width or height is zero or negative, or their product is too large.
    case invalidSize(width: Int, height: Int)
    /// The pixel buffer does not hold width × height samples.
    case bufferSize(expected: Int, actual: Int)
    /// The width to fit into is zero or negative.
    case invalidMaxWidth(Int)

    public var description: String {
        switch self {
        case .invalidSize(let width, let height): return "invalid image size \(width)x\(height)"
        case .bufferSize(let expected, let actual): return "image buffer holds \(actual) samples, expected \(expected)"
        case .invalidMaxWidth(let width): return "invalid maximum width \(width)"
        }
    }
}

/// A 1-bit image as a thermal printer prints it: rows top to bottom, each `bytesPerRow`
/// bytes, the leftmost dot in the most significant bit, 1 = black (a burnt dot). The
/// unused low bits of each row's last byte are 0. This is the data layout of GS v 0.
public struct MonochromeImage: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var packed: [UInt8]

    /// Images larger than this many pixels are refused (a 576-dot line, 29 000 rows).
    public static let maximumPixels = 1 << 24

    public var bytesPerRow: Int { (width + 7) / 8 }

    /// An all-white image; negative sizes count as zero.
    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        packed = [UInt8](repeating: 0, count: (self.width + 7) / 8 * self.height)
    }

    /// An image from rows already packed as described above.
    public init(width: Int, height: Int, packed: [UInt8]) throws(ImageError) {
        guard width >= 0, height >= 0 else { throw .invalidSize(width: width, height: height) }
        let expected = (width + 7) / 8 * height
        guard packed.count == expected else { throw .bufferSize(expected: expected, actual: packed.count) }
        self.init(width: width, height: height)
        self.packed = packed
        clearPaddingBits()
    }

    /// true = black. Indices must be inside the image.
    public subscript(x: Int, y: Int) -> Bool {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "MonochromeImage index out of range")
            return packed[y * bytesPerRow + (x >> 3)] & (0x80 >> UInt8(x & 7)) != 0
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "MonochromeImage index out of range")
            let mask: UInt8 = 0x80 >> UInt8(x & 7)
            if newValue { packed[y * bytesPerRow + (x >> 3)] |= mask } else { packed[y * bytesPerRow + (x >> 3)] &= ~mask }
        }
    }

    /// How many dots are black.
    public var blackCount: Int { packed.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// One row of the packed data.
    public func row(_ y: Int) -> ArraySlice<UInt8> {
        packed[(y * bytesPerRow)..<((y + 1) * bytesPerRow)]
    }

    private mutating func clearPaddingBits() {
        let spare = bytesPerRow * 8 - width
        guard spare > 0 else { return }
        let keep: UInt8 = 0xFF << UInt8(spare)
        for y in 0..<height { packed[y * bytesPerRow + bytesPerRow - 1] &= keep }
    }
}

// MARK: - Codes as images

extension MonochromeImage {
    /// A 2D code (a QR matrix) with each module `scale` × `scale` dots, inside a white
    /// border of `quietZone` modules on every side. Scale is at least 1, the border at least 0.
    public init(matrix: BitMatrix, scale: Int, quietZone: Int) {
        let scale = max(scale, 1), quietZone = max(quietZone, 0)
        self.init(width: (matrix.width + 2 * quietZone) * scale, height: (matrix.height + 2 * quietZone) * scale)
        for my in 0..<matrix.height {
            for mx in 0..<matrix.width where matrix[mx, my] {
                let left = (mx + quietZone) * scale, top = (my + quietZone) * scale
                for y in top..<(top + scale) { fillRow(y, from: left, count: scale) }
            }
        }
    }

    /// A 1D code (CODE128 modules, true = bar) with each module `moduleWidth` dots wide
    /// and `height` dots tall, with `quietZone` white modules left and right.
    public init(modules: [Bool], moduleWidth: Int, height: Int, quietZone: Int) {
        let moduleWidth = max(moduleWidth, 1), quietZone = max(quietZone, 0)
        self.init(width: (modules.count + 2 * quietZone) * moduleWidth, height: max(height, 1))
        for (index, bar) in modules.enumerated() where bar {
            for y in 0..<self.height { fillRow(y, from: (index + quietZone) * moduleWidth, count: moduleWidth) }
        }
    }

    /// This image centred on a white line `width` dots wide; cropped evenly at both sides
    /// when it is wider. The printer then needs no alignment command to centre it.
    func centered(inWidth width: Int) -> MonochromeImage {
        var result = MonochromeImage(width: width, height: height)
        let offset = (result.width - self.width) / 2  // negative when cropping
        if offset >= 0 {
            // Whole bytes shifted into place: this runs for every receipt with a logo.
            let shift = offset % 8, base = offset / 8
            let lastMask: UInt8 = self.width % 8 == 0 ? 0xFF : 0xFF << (8 - self.width % 8)
            for y in 0..<height {
                let source = y * bytesPerRow, target = y * result.bytesPerRow + base
                for i in 0..<bytesPerRow {
                    let byte = i == bytesPerRow - 1 ? packed[source + i] & lastMask : packed[source + i]
                    guard byte != 0 else { continue }
                    result.packed[target + i] |= byte >> shift
                    if shift > 0, base + i + 1 < result.bytesPerRow { result.packed[target + i + 1] |= byte << (8 - shift) }
                }
            }
            return result
        }
        for y in 0..<height {
            for x in 0..<self.width where self[x, y] {
                let target = x + offset
                if target >= 0, target < result.width { result[target, y] = true }
            }
        }
        return result
    }

    /// Sets `count` dots black from `x` on, within the row.
    private mutating func fillRow(_ y: Int, from x: Int, count: Int) {
        for dot in max(x, 0)..<min(x + count, width) { self[dot, y] = true }
    }
}

// MARK: - Photographs and logos

extension MonochromeImage {
    /// Turns 8-bit grayscale (row-major, 0 = black, 255 = white) into a printable image:
    /// shrunk to at most `maxWidth` dots wide, keeping the aspect ratio, by averaging the
    /// area each dot covers, then reduced to black and white by Floyd–Steinberg error
    /// diffusion so grays print as dot densities. Never enlarges.
    public static func dithered(gray: [UInt8], width: Int, height: Int, maxWidth: Int) throws(ImageError) -> MonochromeImage {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maximumPixels else { throw .invalidSize(width: width, height: height) }
        guard gray.count == pixels else { throw .bufferSize(expected: pixels, actual: gray.count) }
        guard maxWidth > 0 else { throw .invalidMaxWidth(maxWidth) }

        var samples = gray.map(Float.init)
        var (w, h) = (width, height)
        if width > maxWidth {
            w = maxWidth
            h = max(1, Int((Double(height) * Double(maxWidth) / Double(width)).rounded()))
            samples = shrink(samples, width: width, height: height, toWidth: w, height: h)
        }
        return diffuse(samples, width: w, height: h)
    }

    /// Area averaging: each target pixel is the mean of the source area it covers, partly
    /// covered source pixels weighted by the covered fraction. Done rows-then-columns.
    static func shrink(_ source: [Float], width: Int, height: Int, toWidth newWidth: Int, height newHeight: Int) -> [Float] {
        let columns = boxWeights(from: width, to: newWidth)
        var narrow = [Float](repeating: 0, count: newWidth * height)
        for y in 0..<height {
            for (x, weights) in columns.enumerated() {
                var sum: Float = 0
                for (index, weight) in weights { sum += source[y * width + index] * weight }
                narrow[y * newWidth + x] = sum
            }
        }
        let rows = boxWeights(from: height, to: newHeight)
        var result = [Float](repeating: 0, count: newWidth * newHeight)
        for (y, weights) in rows.enumerated() {
            for x in 0..<newWidth {
                var sum: Float = 0
                for (index, weight) in weights { sum += narrow[index * newWidth + x] * weight }
                result[y * newWidth + x] = min(max(sum, 0), 255)
            }
        }
        return result
    }

    /// For each of `count` target cells, the source indices it covers and their weights
    /// (summing to 1).
    private static func boxWeights(from sourceCount: Int, to count: Int) -> [[(Int, Float)]] {
        let step = Double(sourceCount) / Double(count)
        return (0..<count).map { target in
            let start = Double(target) * step, end = Double(target + 1) * step
            var weights: [(Int, Float)] = []
            var index = Int(start)
            while Double(index) < end, index < sourceCount {
                let covered = min(end, Double(index + 1)) - max(start, Double(index))
                if covered > 0 { weights.append((index, Float(covered / step))) }
                index += 1
            }
            return weights
        }
    }

    /// Floyd–Steinberg: each pixel becomes black below mid-gray, and its rounding error is
    /// passed on to its unvisited neighbours (7/16 ahead, 3/16, 5/16, 1/16 on the next
    /// row). Rows alternate direction (serpentine) so errors do not streak one way.
    static func diffuse(_ samples: [Float], width: Int, height: Int) -> MonochromeImage {
        var image = MonochromeImage(width: width, height: height)
        var current = [Float](repeating: 0, count: width + 2)  // error for this row, padded
        var next = [Float](repeating: 0, count: width + 2)
        for y in 0..<height {
            let forward = y % 2 == 0
            let step = forward ? 1 : -1
            for i in 0..<width {
                let x = forward ? i : width - 1 - i
                let value = samples[y * width + x] + current[x + 1]
                let black = value < 128
                if black { image[x, y] = true }
                let error = value - (black ? 0 : 255)
                current[x + 1 + step] += error * 7 / 16
                next[x + 1 - step] += error * 3 / 16
                next[x + 1] += error * 5 / 16
                next[x + 1 + step] += error * 1 / 16
            }
            swap(&current, &next)
            for i in next.indices { next[i] = 0 }
        }
        return image
    }
}
