import CZBar

/// How frames are decoded. The defaults are the kiosk's: its symbologies only, every second row
/// and column scanned, 3x3 smoothing first, zbar only where the frame has edges, DataMatrix only on
/// square candidates.
public struct DecoderSettings: Sendable, Hashable {
    public var symbologies: Set<Symbology>
    /// zbar scans every `density`-th row and column (ZBAR_CFG_X_DENSITY / ZBAR_CFG_Y_DENSITY).
    public var density: Int
    public var preprocessing: Preprocessing
    /// Where in the prepared frame `FrameDecoder` lets zbar scan; nil: everywhere.
    public var scanArea: ScanArea?
    /// Where libdmtx looks for a DataMatrix (when `symbologies` has it).
    public var dataMatrixCandidates: MatrixCandidates

    public init(symbologies: Set<Symbology> = Symbology.kioskDefault, density: Int = 2,
                preprocessing: Preprocessing = Preprocessing(), scanArea: ScanArea? = ScanArea(),
                dataMatrixCandidates: MatrixCandidates = MatrixCandidates()) {
        self.symbologies = symbologies
        self.density = density
        self.preprocessing = preprocessing
        self.scanArea = scanArea
        self.dataMatrixCandidates = dataMatrixCandidates
    }
}

public enum DecoderError: Error, Equatable, CustomStringConvertible {
    case cannotCreate
    case setting(String, code: Int32)

    public var description: String {
        switch self {
        case .cannotCreate: return "libzbar could not create an image scanner"
        case .setting(let what, let code): return "libzbar refused the setting \(what) (code \(code))"
        }
    }
}

/// Owns one libzbar image scanner (created in init, destroyed in deinit) and the preprocessing
/// buffers. A zbar scanner must never be used by two threads at once (it corrupts its heap), so a
/// decoder is not Sendable: make one per thread or task that decodes.
public final class ZBarDecoder {
    public let settings: DecoderSettings
    private let scanner: OpaquePointer
    private let preprocessor: Preprocessor
    private static let y800 = zbar_fourcc_parse("Y800")

    public init(settings: DecoderSettings = DecoderSettings()) throws(DecoderError) {
        guard let scanner = zbar_image_scanner_create() else { throw .cannotCreate }
        self.scanner = scanner
        self.settings = settings
        preprocessor = Preprocessor(settings.preprocessing)
        // Everything off, then the chosen symbologies on (the order does not matter to zbar).
        try configure(ZBAR_NONE, ZBAR_CFG_ENABLE, 0, "all symbologies off")
        for symbology in Self.zbarSymbologies(settings.symbologies).sorted() {
            guard let type = symbology.zbarType else { continue }
            try configure(type, ZBAR_CFG_ENABLE, 1, "\(symbology.rawValue) on")
        }
        guard settings.density >= 1 else { throw .setting("density \(settings.density)", code: -1) }
        try configure(ZBAR_NONE, ZBAR_CFG_X_DENSITY, Int32(settings.density), "x density \(settings.density)")
        try configure(ZBAR_NONE, ZBAR_CFG_Y_DENSITY, Int32(settings.density), "y density \(settings.density)")
    }

    deinit {
        zbar_image_scanner_destroy(scanner)
    }

    /// What zbar is told to read. zbar's EAN decoder finds a UPC-E in the left half of a blurred
    /// EAN-13 now and then (six digits and a guard look alike), frame after frame; with UPC-E off
    /// it does not drop that read but reports it expanded to UPC-A or EAN-13, a wrong code with a
    /// valid check digit. So UPC-E stays on inside zbar whenever an EAN/UPC symbology is wanted,
    /// and its reads are dropped unless UPC-E itself was asked for (`decode`).
    static func zbarSymbologies(_ wanted: Set<Symbology>) -> Set<Symbology> {
        wanted.isDisjoint(with: [.ean13, .ean8, .upca]) ? wanted : wanted.union([.upce])
    }

    private func configure(_ symbology: zbar_symbol_type_t, _ config: zbar_config_t, _ value: Int32,
                           _ what: String) throws(DecoderError) {
        let code = zbar_image_scanner_set_config(scanner, symbology, config, value)
        if code != 0 { throw .setting(what, code: code) }
    }

    /// Every symbol zbar finds in the frame, positions in the frame's own pixels. The frame's size
    /// was checked when it was made, so zbar never reads past its pixels.
    public func decode(_ frame: GrayFrame) -> [DecodedSymbol] {
        preprocessor.withPrepared(frame) { pixels, width, height, mapping in
            scan(pixels, width: width, height: height, mapping: mapping)
        }
    }

    /// The symbols in an image already prepared (`Preprocessor`), positions mapped back with `mapping`;
    /// with an `area`, zbar's scan lines run only inside it (positions stay the image's).
    func scan(_ pixels: UnsafePointer<UInt8>, width: Int, height: Int, mapping: FrameMapping,
              within area: Region? = nil) -> [DecodedSymbol] {
        guard let image = zbar_image_create() else { return [] }
        defer {
            // Not zbar's to free: detach before the image goes.
            zbar_image_set_data(image, nil, 0, nil)
            zbar_image_destroy(image)
        }
        zbar_image_set_format(image, Self.y800)
        zbar_image_set_size(image, UInt32(width), UInt32(height))
        zbar_image_set_data(image, pixels, UInt(width * height), nil)
        if let area {
            let crop = Self.onScanLines(area, width: width, height: height, density: settings.density)
            zbar_image_set_crop(image, UInt32(crop.x), UInt32(crop.y), UInt32(crop.width), UInt32(crop.height))
        }
        guard zbar_scan_image(scanner, image) > 0 else { return [] }
        var symbols: [DecodedSymbol] = []
        var next = zbar_image_first_symbol(image)
        while let symbol = next {
            next = zbar_symbol_next(symbol)
            guard let symbology = Symbology(zbar: zbar_symbol_get_type(symbol)),
                  settings.symbologies.contains(symbology) else { continue }
            let length = Int(zbar_symbol_get_data_length(symbol))
            let data = zbar_symbol_get_data(symbol).map {
                String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self)
            } ?? ""
            let gs1 = zbar_symbol_get_modifiers(symbol) & (1 << ZBAR_MOD_GS1.rawValue) != 0
            symbols.append(DecodedSymbol(symbology: symbology, isGS1: gs1, data: data,
                                         bounds: Self.bounds(of: symbol, width: width, height: height, mapping: mapping),
                                         orientation: Self.orientation(of: symbol),
                                         quality: Int(zbar_symbol_get_quality(symbol))))
        }
        return symbols
    }

    /// `area` (inside the image) moved to the lines zbar scans in the whole image: zbar starts its
    /// rows at the middle of the leftover (`(((height - 1) % density) + 1) / 2`, img_scanner.c) of
    /// whatever it is given, so a crop taken as it is would scan other rows than the whole frame and
    /// read differently. The result starts on a scanned row and column and spans a whole number of
    /// steps plus one, where zbar starts at its first line: the crop scans a subset of the frame's lines.
    static func onScanLines(_ area: Region, width: Int, height: Int, density: Int) -> Region {
        func lines(from start: Int, to end: Int, size: Int) -> (start: Int, count: Int) {
            let first = ((size - 1) % density + 1) / 2
            let aligned = start <= first ? first : first + (start - first) / density * density
            let last = min(end, size) - 1
            return (aligned, last >= aligned ? (last - aligned) / density * density + 1 : 1)
        }
        let columns = lines(from: area.x, to: area.x + area.width, size: width)
        let rows = lines(from: area.y, to: area.y + area.height, size: height)
        return Region(x: columns.start, y: rows.start, width: columns.count, height: rows.count)
    }

    /// The box around zbar's location points, mapped back to the frame (as decode.c computes it).
    private static func bounds(of symbol: OpaquePointer, width: Int, height: Int, mapping: FrameMapping) -> Region {
        let count = zbar_symbol_get_loc_size(symbol)
        guard count > 0 else { return Region(x: mapping.frameX(0), y: mapping.frameY(0), width: 0, height: 0) }
        var x0 = width, y0 = height, x1 = 0, y1 = 0
        for i in 0..<count {
            let x = Int(zbar_symbol_get_loc_x(symbol, i)), y = Int(zbar_symbol_get_loc_y(symbol, i))
            x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x); y1 = max(y1, y)
        }
        let left = mapping.frameX(x0), top = mapping.frameY(y0)
        return Region(x: left, y: top, width: mapping.frameX(x1) - left, height: mapping.frameY(y1) - top)
    }

    private static func orientation(of symbol: OpaquePointer) -> String? {
        switch zbar_symbol_get_orientation(symbol) {
        case ZBAR_ORIENT_UP: return "up"
        case ZBAR_ORIENT_RIGHT: return "right"
        case ZBAR_ORIENT_DOWN: return "down"
        case ZBAR_ORIENT_LEFT: return "left"
        default: return nil
        }
    }
}

@available(*, unavailable, message: "one ZBarDecoder per thread: libzbar's scanner is not thread-safe")
extension ZBarDecoder: Sendable {}

extension Symbology {
    /// libzbar's type; nil for DataMatrix, which zbar does not read.
    var zbarType: zbar_symbol_type_t? {
        switch self {
        case .ean13: return ZBAR_EAN13
        case .ean8: return ZBAR_EAN8
        case .upca: return ZBAR_UPCA
        case .upce: return ZBAR_UPCE
        case .code128: return ZBAR_CODE128
        case .qrcode: return ZBAR_QRCODE
        case .databar: return ZBAR_DATABAR
        case .databarExpanded: return ZBAR_DATABAR_EXP
        case .i25: return ZBAR_I25
        case .code39: return ZBAR_CODE39
        case .code93: return ZBAR_CODE93
        case .codabar: return ZBAR_CODABAR
        case .datamatrix: return nil
        }
    }

    init?(zbar type: zbar_symbol_type_t) {
        guard let match = Symbology.allCases.first(where: { $0.zbarType == type }) else { return nil }
        self = match
    }
}
