/// Where a DataMatrix may be in a frame, found cheaply so that libdmtx (slow when it searches a
/// whole noisy frame) runs only there. Pure: pixels in, regions out.
///
/// The image is cut into `cell` x `cell` blocks (`ContrastMap`); a block is busy when the mean
/// gradient inside it is at least `threshold` grey levels both across and along (a matrix code has
/// edges in both directions; a bar code across its bars only, paper and light in neither). Busy blocks at most
/// `gapCells` apart form a blob (a block inside one large module has no edges); a blob is a
/// candidate when its box is roughly square, at least `minimumCells` blocks on a side, and busy
/// enough. At most `limit` candidates, largest first, each grown by `marginCells` blocks on every
/// side (the finder edge and quiet zone libdmtx needs to see are only partly busy).
/// scripts/bench-reference/decode.c does the same arithmetic.
public struct MatrixCandidates: Sendable, Hashable {
    public var cell = 8
    public var threshold = 10
    public var minimumCells = 3
    public var gapCells = 1
    public var marginCells = 2
    /// The longer side of a candidate's box over the shorter, at most.
    public var maximumAspect = 1.6
    /// Busy blocks over all blocks of the box, at least.
    public var minimumFill = 0.25
    public var limit = 2

    public init() {}

    /// The candidates in a `width` x `height` image, in its own pixels, largest first.
    public func find(in pixels: UnsafePointer<UInt8>, width: Int, height: Int) -> [Region] {
        find(in: ContrastMap(pixels, width: width, height: height, cell: cell), width: width, height: height)
    }

    /// The candidates from a map of the image made with this `cell`.
    func find(in map: ContrastMap, width: Int, height: Int) -> [Region] {
        precondition(map.cell == cell, "the map's blocks are this finder's cells")
        let columns = map.columns, rows = map.rows
        guard columns >= minimumCells, rows >= minimumCells else { return [] }
        let busy = (0..<columns * rows).map { map.isBusy($0, needed: threshold * map.samples, both: true) }
        return blobs(busy, columns: columns, rows: rows)
            .filter { isMatrixShaped($0) }
            .sorted { ($0.box.width * $0.box.height, $1.box.y, $1.box.x) > ($1.box.width * $1.box.height, $0.box.y, $0.box.x) }
            .prefix(limit)
            .compactMap {
                Region(x: ($0.box.x - marginCells) * cell, y: ($0.box.y - marginCells) * cell,
                       width: ($0.box.width + 2 * marginCells) * cell, height: ($0.box.height + 2 * marginCells) * cell)
                    .clamped(width: width, height: height)
            }
    }

    struct Blob: Hashable {
        /// In blocks.
        var box: Region
        var cells: Int
    }

    func isMatrixShaped(_ blob: Blob) -> Bool {
        let short = min(blob.box.width, blob.box.height), long = max(blob.box.width, blob.box.height)
        return short >= minimumCells && Double(long) <= maximumAspect * Double(short)
            && Double(blob.cells) >= minimumFill * Double(blob.box.width * blob.box.height)
    }

    /// The groups of busy blocks at most `gapCells` apart, in the order their first block is met row by row.
    func blobs(_ busy: [Bool], columns: Int, rows: Int) -> [Blob] {
        var seen = [Bool](repeating: false, count: busy.count)
        var found: [Blob] = []
        var stack: [Int] = []
        for start in busy.indices where busy[start] && !seen[start] {
            seen[start] = true
            stack.append(start)
            var x0 = columns, y0 = rows, x1 = 0, y1 = 0, cells = 0
            while let index = stack.popLast() {
                let x = index % columns, y = index / columns
                x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
                cells += 1
                let reach = gapCells + 1
                for dy in -reach...reach {
                    for dx in -reach...reach {
                        let nx = x + dx, ny = y + dy
                        guard nx >= 0, nx < columns, ny >= 0, ny < rows else { continue }
                        let next = ny * columns + nx
                        if busy[next] && !seen[next] {
                            seen[next] = true
                            stack.append(next)
                        }
                    }
                }
            }
            found.append(Blob(box: Region(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1), cells: cells))
        }
        return found
    }
}
