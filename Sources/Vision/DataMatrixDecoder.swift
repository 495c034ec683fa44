import CDMTX

/// Reads DataMatrix codes with libdmtx, but only inside the regions it is given (the square
/// candidates of `MatrixCandidates`), and only from a bounded number of scan points: libdmtx's own
/// search (`dmtxRegionFindNext`) tries every second pixel and took up to a second on a QR code it
/// could not read. The work per frame is bounded by counts, not by a clock, so a busy machine reads
/// the same codes as an idle one: at most `MatrixCandidates.limit` regions, in each at most
/// `scansPerRegion` scan points on grids from coarse to fine (a code is usually met on the first
/// ones) and `attemptsPerRegion` decodes, a region larger than `largestSide` searched at half resolution.
///
/// libdmtx's handles live for one region's search and are destroyed before `read` returns; the
/// copy buffer is reused. Not for two threads at once (one per camera thread, like the zbar scanner).
final class DataMatrixDecoder {
    static let largestSide = 320
    static let attemptsPerRegion = 3
    static let scansPerRegion = 400
    /// Spacing of the scan grids, coarse to fine, in pixels of the searched image.
    static let gridSpacings = [32, 16, 8, 4]
    /// The FNC1 codeword of DataMatrix (ISO/IEC 16022): first in the symbol, it makes a GS1 DataMatrix.
    static let fnc1Codeword: UInt8 = 232
    private static let groupSeparator = Int32(0x1D)

    private var crop = Scratch<UInt8>()

    deinit { crop.free() }

    /// The DataMatrix codes found in `regions` of a prepared image, positions mapped back to the frame.
    func read(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int, regions: [Region], mapping: FrameMapping) -> [DecodedSymbol] {
        var symbols: [DecodedSymbol] = []
        for wanted in regions {
            guard let region = wanted.clamped(width: width, height: height) else { continue }
            let buffer = crop.reserve(region.width * region.height)
            for y in 0..<region.height {
                (buffer + y * region.width).update(from: pixels + (region.y + y) * width + region.x, count: region.width)
            }
            let scale = max(region.width, region.height) > Self.largestSide ? 2 : 1
            for symbol in search(buffer, width: region.width, height: region.height, scale: scale)
            where !symbols.contains(where: { $0.reading == symbol.reading }) {
                let box = symbol.bounds
                let left = mapping.frameX(region.x + box.x), top = mapping.frameY(region.y + box.y)
                symbols.append(DecodedSymbol(
                    symbology: .datamatrix, isGS1: symbol.isGS1, data: symbol.data,
                    bounds: Region(x: left, y: top, width: mapping.frameX(region.x + box.x + box.width) - left,
                                   height: mapping.frameY(region.y + box.y + box.height) - top),
                    orientation: nil, quality: symbol.quality))
            }
        }
        return symbols
    }

    /// libdmtx on one tightly packed gray image; positions in that image's pixels.
    private func search(_ pixels: UnsafeMutablePointer<UInt8>, width: Int, height: Int, scale: Int) -> [DecodedSymbol] {
        var image = dmtxImageCreate(pixels, Int32(width), Int32(height), Int32(DmtxPack8bppK.rawValue))
        defer { dmtxImageDestroy(&image) }
        var decoder = image.flatMap { dmtxDecodeCreate($0, Int32(scale)) }
        defer { dmtxDecodeDestroy(&decoder) }
        guard let decoder else { return [] }
        // FNC1 inside the data becomes GS, the separator a scanner sends between GS1 fields.
        dmtxDecodeSetProp(decoder, Int32(DmtxPropFnc1.rawValue), Self.groupSeparator)
        var scans = 0, attempts = 0
        for point in Self.scanPoints(width: width / scale, height: height / scale) {
            guard scans < Self.scansPerRegion, attempts < Self.attemptsPerRegion else { break }
            scans += 1
            var region = dmtxRegionScanPixel(decoder, Int32(point.x), Int32(point.y))
            defer { dmtxRegionDestroy(&region) }
            guard let found = region else { continue }
            attempts += 1
            var message = dmtxDecodeMatrixRegion(decoder, found, DmtxUndefined)
            defer { dmtxMessageDestroy(&message) }
            if let decoded = message, let symbol = Self.symbol(decoded.pointee, region: found.pointee, height: height, scale: scale) {
                return [symbol]
            }
        }
        return []
    }

    /// Grids of points `gridSpacings` apart, each offset by half its spacing (so no point repeats), coarse first.
    static func scanPoints(width: Int, height: Int) -> some Sequence<(x: Int, y: Int)> {
        gridSpacings.lazy.flatMap { spacing in
            stride(from: spacing / 2, to: height, by: spacing).lazy.flatMap { y in
                stride(from: spacing / 2, to: width, by: spacing).lazy.map { x in (x: x, y: y) }
            }
        }
    }

    /// The decoded message as a symbol: GS1 when its first codeword is FNC1 (whose GS is then not
    /// part of the data); the box of the symbol's four corners, rows counted from the top (libdmtx
    /// counts them from the bottom).
    private static func symbol(_ message: DmtxMessage, region: DmtxRegion, height: Int, scale: Int) -> DecodedSymbol? {
        guard let output = message.output, message.outputIdx >= 0, message.outputIdx <= message.outputSize,
              let code = message.code, message.codeSize > 0 else { return nil }
        var bytes = Array(UnsafeBufferPointer(start: output, count: Int(message.outputIdx)))
        let gs1 = code[0] == fnc1Codeword
        if gs1, bytes.first == UInt8(groupSeparator) { bytes.removeFirst() }
        guard !bytes.isEmpty else { return nil }
        var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
        for (u, v) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)] {
            let (x, y) = fitToRaw(region.fit2raw, u, v)
            x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
        }
        let s = Double(scale)
        let left = Int((x0 * s).rounded()), right = Int((x1 * s).rounded())
        let top = height - 1 - Int((y1 * s).rounded()), bottom = height - 1 - Int((y0 * s).rounded())
        return DecodedSymbol(symbology: .datamatrix, isGS1: gs1, data: String(decoding: bytes, as: UTF8.self),
                             bounds: Region(x: left, y: top, width: max(0, right - left), height: max(0, bottom - top)),
                             orientation: nil, quality: 1)
    }

    /// libdmtx's row-vector transform (dmtxMatrix3VMultiply): [u v 1] times the 3x3 matrix.
    private static func fitToRaw(_ m: DmtxMatrix3, _ u: Double, _ v: Double) -> (Double, Double) {
        let w = u * m.0.2 + v * m.1.2 + m.2.2
        guard w != 0 else { return (0, 0) }
        return ((u * m.0.0 + v * m.1.0 + m.2.0) / w, (u * m.0.1 + v * m.1.1 + m.2.1) / w)
    }
}

@available(*, unavailable, message: "one DataMatrixDecoder per thread")
extension DataMatrixDecoder: Sendable {}
