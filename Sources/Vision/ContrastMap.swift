/// How much edge there is in each `cell` x `cell` block of an image: the summed absolute
/// difference between neighbouring pixels across (x) and along (y), on every second pixel of every
/// second row (a quarter of the pixels, the same blocks found). One pass over the prepared frame,
/// read by `ScanArea` (where zbar scans) and `MatrixCandidates` (where libdmtx looks).
/// Pure: pixels in, sums out. scripts/bench-reference/decode.c does the same arithmetic.
struct ContrastMap {
    let cell: Int
    let columns: Int
    let rows: Int
    /// Per block, row by row.
    private(set) var across: [Int32]
    private(set) var along: [Int32]

    /// Samples per block: a block is busy at `threshold` when a sum reaches threshold * samples.
    var samples: Int { (cell / 2) * (cell / 2) }

    init(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int, cell: Int) {
        precondition(cell >= 2 && cell % 2 == 0, "cell is even")
        self.cell = cell
        columns = width / cell
        rows = height / cell
        across = [Int32](repeating: 0, count: columns * rows)
        along = [Int32](repeating: 0, count: columns * rows)
        for row in 0..<rows {
            for column in 0..<columns {
                var sumAcross: Int32 = 0, sumAlong: Int32 = 0
                var y = row * cell
                while y < (row + 1) * cell {
                    let line = pixels + y * width
                    let below = y + 1 < height ? line + width : line
                    var x = column * cell
                    while x < (column + 1) * cell {
                        let here = Int32(line[x])
                        sumAcross += abs(Int32(line[min(x + 1, width - 1)]) - here)
                        sumAlong += abs(Int32(below[x]) - here)
                        x += 2
                    }
                    y += 2
                }
                across[row * columns + column] = sumAcross
                along[row * columns + column] = sumAlong
            }
        }
    }

    /// Whether block `index` has a summed gradient of at least `needed` (a mean of `needed / samples`
    /// grey levels) across and along (`both`: a matrix code's edges) or in either direction (a bar
    /// code's, across its bars).
    func isBusy(_ index: Int, needed: Int, both: Bool) -> Bool {
        let needed = Int32(needed)
        return both ? across[index] >= needed && along[index] >= needed : across[index] >= needed || along[index] >= needed
    }
}

/// Where in the frame zbar scans: the box around every block with edges in it, grown by
/// `marginCells` blocks for the quiet zone a scan line must cross before the first bar. A flat part
/// of the frame (the plain plate under the camera, a wall, a shirt) can hold no code, and zbar's
/// scan lines cost the same per pixel whether anything is there or not; on a busy scene the box is
/// the whole frame.
///
/// A block has edges when its mean gradient across or along (`ContrastMap`) stands out from the
/// frame's own noise: at least `noiseFactor` times the median block's (in a frame that is mostly
/// background, the median block is noise), never less than `minimumThreshold` grey levels and never
/// more than `threshold`. The cap keeps a noisy sensor from hiding a code; the adaptation keeps a
/// faint code on a clean frame (dim light, glare on a phone) in. scripts/bench-reference/decode.c
/// does the same arithmetic.
public struct ScanArea: Sendable, Hashable {
    public var threshold: Int
    public var minimumThreshold = 1
    public var noiseFactor = 2
    public var marginCells: Int

    public init(threshold: Int = 6, marginCells: Int = 4) {
        self.threshold = threshold
        self.marginCells = marginCells
    }

    /// The summed gradient a block of this frame needs: `noiseFactor` times the median block's (in
    /// its stronger direction), within `minimumThreshold...threshold` grey levels a sample.
    func needed(in map: ContrastMap) -> Int {
        let count = map.columns * map.rows, most = 255 * map.samples
        var histogram = [Int](repeating: 0, count: most + 1)
        for index in 0..<count {
            histogram[min(most, Int(max(map.across[index], map.along[index])))] += 1
        }
        var seen = 0, median = 0
        while median < most && seen + histogram[median] <= count / 2 {
            seen += histogram[median]
            median += 1
        }
        return min(threshold * map.samples, max(minimumThreshold * map.samples, noiseFactor * median))
    }

    /// The box in the map's image (`width` x `height`), clamped to it; nil when no block is busy,
    /// so there is nothing to scan.
    func box(in map: ContrastMap, width: Int, height: Int) -> Region? {
        let needed = needed(in: map)
        var x0 = map.columns, y0 = map.rows, x1 = -1, y1 = -1
        for row in 0..<map.rows {
            for column in 0..<map.columns where map.isBusy(row * map.columns + column, needed: needed, both: false) {
                x0 = min(x0, column); y0 = min(y0, row); x1 = max(x1, column); y1 = max(y1, row)
            }
        }
        guard x1 >= 0 else { return nil }
        let cell = map.cell
        return Region(x: (x0 - marginCells) * cell, y: (y0 - marginCells) * cell,
                      width: (x1 - x0 + 1 + 2 * marginCells) * cell, height: (y1 - y0 + 1 + 2 * marginCells) * cell)
            .clamped(width: width, height: height)
    }
}
