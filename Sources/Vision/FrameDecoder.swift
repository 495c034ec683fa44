/// The camera's decoder: each frame prepared once (`Preprocessing`) and mapped once for edges
/// (`ContrastMap`); then libzbar for every symbology it reads, inside the part of the frame with
/// edges (`ScanArea`), and, when DataMatrix is wanted, libdmtx on the square candidates zbar did not
/// already read (a QR code is square and busy too). Owns one zbar scanner and one libdmtx reader:
/// make one per thread, like `ZBarDecoder`.
public final class FrameDecoder {
    public let settings: DecoderSettings
    private let zbar: ZBarDecoder?
    private let dataMatrix: DataMatrixDecoder?
    private let preprocessor: Preprocessor

    public init(settings: DecoderSettings = DecoderSettings()) throws(DecoderError) {
        self.settings = settings
        var zbarSettings = settings
        zbarSettings.symbologies.remove(.datamatrix)
        zbar = zbarSettings.symbologies.isEmpty ? nil : try ZBarDecoder(settings: zbarSettings)
        dataMatrix = settings.symbologies.contains(.datamatrix) ? DataMatrixDecoder() : nil
        preprocessor = Preprocessor(settings.preprocessing)
    }

    /// Every symbol found in the frame, zbar's first, positions in the frame's own pixels.
    public func decode(_ frame: GrayFrame) -> [DecodedSymbol] {
        preprocessor.withPrepared(frame) { pixels, width, height, mapping in
            let map = settings.scanArea != nil || dataMatrix != nil
                ? ContrastMap(pixels, width: width, height: height, cell: settings.dataMatrixCandidates.cell) : nil
            var symbols: [DecodedSymbol] = []
            if let zbar {
                if let area = settings.scanArea, let map {
                    // No edges anywhere: nothing zbar could read.
                    if let box = area.box(in: map, width: width, height: height) {
                        symbols = zbar.scan(pixels, width: width, height: height, mapping: mapping, within: box)
                    }
                } else {
                    symbols = zbar.scan(pixels, width: width, height: height, mapping: mapping)
                }
            }
            guard let dataMatrix, let map else { return symbols }
            let read = symbols.map { $0.bounds }
            let candidates = settings.dataMatrixCandidates.find(in: map, width: width, height: height).filter { candidate in
                // Frame coordinates of the candidate, against what zbar found there.
                let inFrame = Region(x: mapping.frameX(candidate.x), y: mapping.frameY(candidate.y),
                                     width: candidate.width * mapping.scale, height: candidate.height * mapping.scale)
                return !read.contains { $0.overlaps(inFrame) }
            }
            symbols += dataMatrix.read(pixels, width: width, height: height, regions: candidates, mapping: mapping)
            return symbols
        }
    }
}

@available(*, unavailable, message: "one FrameDecoder per thread: libzbar's scanner is not thread-safe")
extension FrameDecoder: Sendable {}

extension Region {
    /// Whether the two rectangles share any pixel.
    func overlaps(_ other: Region) -> Bool {
        x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
    }
}
