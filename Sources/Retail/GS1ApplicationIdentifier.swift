/// One GS1 Application Identifier (AI): what its data looks like and which other AIs it
/// needs or forbids. Rules follow the GS1 General Specifications as restated by the GS1
/// Barcode Syntax Dictionary; the table below is our own, limited to what a shop lane meets.
public struct GS1ApplicationIdentifier: Hashable, Sendable {
    /// The AI digits ("01", "3103"). In `table`, a family with an implied decimal point is
    /// written with a trailing "n" ("310n"); `lookup` answers with the concrete AI.
    public let ai: String
    public let title: String
    public let components: [GS1Component]
    /// For 310n–369n and 390n–395n: the last AI digit, i.e. digits after the decimal point.
    public let decimals: Int?
    /// The digits the "n" may take (3100–3105, but 3900–3909).
    public let decimalRange: ClosedRange<Int>?
    /// Each string is one requirement: a comma list of alternatives, each alternative one AI
    /// or several joined by "+"; "n" in an AI matches any digit ("31nn").
    public let requires: [String]
    /// AIs (or patterns) that must not appear together with this one.
    public let excludes: [String]
    /// May appear as a query attribute of a GS1 Digital Link URL.
    public let isDigitalLinkAttribute: Bool
    /// Primary key of a Digital Link path; the string lists the allowed qualifier sequences,
    /// in order, alternatives separated by "|" ("22,10,21|235"); "" = key without qualifiers.
    public let digitalLinkQualifiers: String?

    init(_ ai: String, _ title: String, _ components: [GS1Component], n: ClosedRange<Int>? = nil,
         req: [String] = [], ex: String = "", dl: Bool = true, key: String? = nil) {
        self.ai = ai
        self.title = title
        self.components = components
        self.decimals = nil
        self.decimalRange = n
        self.requires = req
        self.excludes = ex.split(separator: ",").map(String.init)
        self.isDigitalLinkAttribute = dl
        self.digitalLinkQualifiers = key
    }

    /// The member of a "310n" family whose last digit is `digit`.
    private init(family: GS1ApplicationIdentifier, digit: Int) {
        ai = String(family.ai.dropLast()) + String(digit)
        title = family.title
        components = family.components
        decimals = digit
        decimalRange = family.decimalRange
        requires = family.requires
        excludes = family.excludes
        isDigitalLinkAttribute = family.isDigitalLinkAttribute
        digitalLinkQualifiers = family.digitalLinkQualifiers
    }

    /// True when the AI's first two digits are in the spec's table of predefined lengths:
    /// such an element ends by its length and needs no GS (FNC1) after it. Every other AI,
    /// even one of fixed length such as 422 or 8005, must be followed by GS unless it is last.
    public var isPredefinedLength: Bool { Self.predefinedLengthPrefixes.contains(String(ai.prefix(2))) }

    /// The GS1 General Specifications' table of element strings with predefined length
    /// (by first two digits); "23" has been withdrawn from it.
    public static let predefinedLengthPrefixes: Set<String> = [
        "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
        "31", "32", "33", "34", "35", "36", "41",
    ]

    /// Shortest and longest data length allowed by the components.
    public var lengthRange: ClosedRange<Int> {
        let min = components.filter { !$0.isOptional }.reduce(0) { $0 + $1.minLength }
        return min...components.reduce(0) { $0 + $1.maxLength }
    }

    /// The entry for a concrete AI ("3103" gives NET WEIGHT (kg) with 3 decimals), or nil.
    public static func lookup(_ ai: some StringProtocol) -> GS1ApplicationIdentifier? { byAI[String(ai)] }

    /// Every concrete AI the parser knows, families expanded.
    static let byAI: [String: GS1ApplicationIdentifier] = {
        var all: [String: GS1ApplicationIdentifier] = [:]
        for entry in table {
            if let digits = entry.decimalRange {
                for d in digits {
                    all[String(entry.ai.dropLast()) + String(d)] = GS1ApplicationIdentifier(family: entry, digit: d)
                }
            } else {
                all[entry.ai] = entry
            }
        }
        return all
    }()

    /// How many digits an AI starting with these two digits has (GS1 AIs are prefix-free).
    static let aiLength: [String: Int] = {
        var lengths: [String: Int] = [:]
        for ai in byAI.keys { lengths[String(ai.prefix(2))] = ai.count }
        return lengths
    }()

    /// The table. Formats: `.N(14)` exactly 14 digits, `.N(upTo: 15)` 1–15 digits, `.X(upTo: 20)`
    /// 1–20 characters of GS1 set 82, `.Y` set 39; `.opt` marks an optional trailing component.
    /// `dl: false` = not allowed as a Digital Link query attribute (qualifiers and a few others).
    public static let table: [GS1ApplicationIdentifier] = [
        .init("00", "SSCC", [.N(18, .checkDigit)], key: ""),
        .init("01", "GTIN", [.N(14, .checkDigit)], ex: "02,03,255,37", key: "22,10,21|235"),
        .init("02", "CONTENT", [.N(14, .checkDigit)], req: ["37"], ex: "01,03"),
        .init("03", "MTO GTIN", [.N(14, .checkDigit)], ex: "01,02,37,235", dl: false),
        .init("10", "BATCH/LOT", [.X(upTo: 20)], req: ["01,02,03,8006,8026"]),
        .init("11", "PROD DATE", [.N(6, .date(dayZero: true))], req: ["01,02,03,8006,8026"]),
        .init("12", "DUE DATE", [.N(6, .date(dayZero: true))], req: ["8020"]),
        .init("13", "PACK DATE", [.N(6, .date(dayZero: true))], req: ["01,02,03,8006,8026"]),
        .init("15", "BEST BEFORE or BEST BY", [.N(6, .date(dayZero: true))], req: ["01,02,03,8006,8026"]),
        .init("16", "SELL BY", [.N(6, .date(dayZero: true))], req: ["01,02,03,8006,8026"]),
        .init("17", "USE BY or EXPIRY", [.N(6, .date(dayZero: true))], req: ["01,02,03,255,8006,8026"]),
        .init("20", "VARIANT", [.N(2)], req: ["01,02,03,8006,8026"]),
        .init("21", "SERIAL", [.X(upTo: 20)], req: ["01,03,8006"], ex: "235", dl: false),
        .init("22", "CPV", [.X(upTo: 20)], req: ["01"], dl: false),
        .init("235", "TPX", [.X(upTo: 28)], req: ["01"], dl: false),
        .init("240", "ADDITIONAL ID", [.X(upTo: 30)], req: ["01,02,03,8006,8026"]),
        .init("241", "CUST. PART No.", [.X(upTo: 30)], req: ["01,02,03,8006,8026"]),
        .init("242", "MTO VARIANT", [.N(upTo: 6)], req: ["01,02,8006,8026"]),
        .init("243", "PCN", [.X(upTo: 20)], req: ["01,03"]),
        .init("250", "SECONDARY SERIAL", [.X(upTo: 30)], req: ["01+21,03+21,8006+21"]),
        .init("251", "REF. TO SOURCE", [.X(upTo: 30)], req: ["01,03,8006"]),
        .init("253", "GDTI", [.N(13, .checkDigit), .X(upTo: 17).opt], key: ""),
        .init("254", "GLN EXTENSION COMPONENT", [.X(upTo: 20)], req: ["414"], dl: false),
        .init("255", "GCN", [.N(13, .checkDigit), .N(upTo: 12).opt], ex: "01,02,415,8006,8020,8026", key: ""),
        .init("30", "VAR. COUNT", [.N(upTo: 8)], req: ["01,02"]),
        .init("310n", "NET WEIGHT (kg)", [.N(6)], n: 0...5, req: ["01,02"], ex: "310n"),
        .init("311n", "LENGTH (m)", [.N(6)], n: 0...5, req: ["01,02"], ex: "311n"),
        .init("312n", "WIDTH (m)", [.N(6)], n: 0...5, req: ["01,02"], ex: "312n"),
        .init("313n", "HEIGHT (m)", [.N(6)], n: 0...5, req: ["01,02"], ex: "313n"),
        .init("314n", "AREA (m²)", [.N(6)], n: 0...5, req: ["01,02"], ex: "314n"),
        .init("315n", "NET VOLUME (l)", [.N(6)], n: 0...5, req: ["01,02"], ex: "315n"),
        .init("316n", "NET VOLUME (m³)", [.N(6)], n: 0...5, req: ["01,02"], ex: "316n"),
        .init("320n", "NET WEIGHT (lb)", [.N(6)], n: 0...5, req: ["01,02"], ex: "320n"),
        .init("321n", "LENGTH (in)", [.N(6)], n: 0...5, req: ["01,02"], ex: "321n"),
        .init("322n", "LENGTH (ft)", [.N(6)], n: 0...5, req: ["01,02"], ex: "322n"),
        .init("323n", "LENGTH (yd)", [.N(6)], n: 0...5, req: ["01,02"], ex: "323n"),
        .init("324n", "WIDTH (in)", [.N(6)], n: 0...5, req: ["01,02"], ex: "324n"),
        .init("325n", "WIDTH (ft)", [.N(6)], n: 0...5, req: ["01,02"], ex: "325n"),
        .init("326n", "WIDTH (yd)", [.N(6)], n: 0...5, req: ["01,02"], ex: "326n"),
        .init("327n", "HEIGHT (in)", [.N(6)], n: 0...5, req: ["01,02"], ex: "327n"),
        .init("328n", "HEIGHT (ft)", [.N(6)], n: 0...5, req: ["01,02"], ex: "328n"),
        .init("329n", "HEIGHT (yd)", [.N(6)], n: 0...5, req: ["01,02"], ex: "329n"),
        .init("330n", "GROSS WEIGHT (kg)", [.N(6)], n: 0...5, req: ["00,01"], ex: "330n"),
        .init("331n", "LENGTH (m), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "331n"),
        .init("332n", "WIDTH (m), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "332n"),
        .init("333n", "HEIGHT (m), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "333n"),
        .init("334n", "AREA (m²), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "334n"),
        .init("335n", "VOLUME (l), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "335n"),
        .init("336n", "VOLUME (m³), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "336n"),
        .init("337n", "KG PER m²", [.N(6)], n: 0...5, req: ["01"], ex: "337n"),
        .init("340n", "GROSS WEIGHT (lb)", [.N(6)], n: 0...5, req: ["00,01"], ex: "340n"),
        .init("341n", "LENGTH (in), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "341n"),
        .init("342n", "LENGTH (ft), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "342n"),
        .init("343n", "LENGTH (yd), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "343n"),
        .init("344n", "WIDTH (in), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "344n"),
        .init("345n", "WIDTH (ft), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "345n"),
        .init("346n", "WIDTH (yd), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "346n"),
        .init("347n", "HEIGHT (in), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "347n"),
        .init("348n", "HEIGHT (ft), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "348n"),
        .init("349n", "HEIGHT (yd), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "349n"),
        .init("350n", "AREA (in²)", [.N(6)], n: 0...5, req: ["01,02"], ex: "350n"),
        .init("351n", "AREA (ft²)", [.N(6)], n: 0...5, req: ["01,02"], ex: "351n"),
        .init("352n", "AREA (yd²)", [.N(6)], n: 0...5, req: ["01,02"], ex: "352n"),
        .init("353n", "AREA (in²), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "353n"),
        .init("354n", "AREA (ft²), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "354n"),
        .init("355n", "AREA (yd²), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "355n"),
        .init("356n", "NET WEIGHT (tr oz)", [.N(6)], n: 0...5, req: ["01,02"], ex: "356n"),
        .init("357n", "NET VOLUME (oz)", [.N(6)], n: 0...5, req: ["01,02"], ex: "357n"),
        .init("360n", "NET VOLUME (qt)", [.N(6)], n: 0...5, req: ["01,02"], ex: "360n"),
        .init("361n", "NET VOLUME (gal.)", [.N(6)], n: 0...5, req: ["01,02"], ex: "361n"),
        .init("362n", "VOLUME (qt), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "362n"),
        .init("363n", "VOLUME (gal.), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "363n"),
        .init("364n", "NET VOLUME (in³)", [.N(6)], n: 0...5, req: ["01,02"], ex: "364n"),
        .init("365n", "NET VOLUME (ft³)", [.N(6)], n: 0...5, req: ["01,02"], ex: "365n"),
        .init("366n", "NET VOLUME (yd³)", [.N(6)], n: 0...5, req: ["01,02"], ex: "366n"),
        .init("367n", "VOLUME (in³), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "367n"),
        .init("368n", "VOLUME (ft³), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "368n"),
        .init("369n", "VOLUME (yd³), log", [.N(6)], n: 0...5, req: ["00,01"], ex: "369n"),
        .init("37", "COUNT", [.N(upTo: 8)], req: ["00+02,00+8026"]),
        .init("390n", "AMOUNT", [.N(upTo: 15)], n: 0...9, req: ["255,8020"], ex: "390n,391n,394n,8111"),
        .init("391n", "AMOUNT", [.N(3, .iso4217), .N(upTo: 15)], n: 0...9, req: ["8020"], ex: "391n"),
        // A price needs the item (01) and the measure it was computed from.
        .init("392n", "PRICE", [.N(upTo: 15)], n: 0...9, req: ["01", Self.measures], ex: "392n,393n"),
        .init("393n", "PRICE", [.N(3, .iso4217), .N(upTo: 15)], n: 0...9, req: ["01,02", Self.measures], ex: "393n"),
        .init("394n", "PRCNT OFF", [.N(4)], n: 0...3, req: ["255"], ex: "394n,8111"),
        .init("395n", "PRICE/UoM", [.N(6)], n: 0...5, req: [Self.measures], ex: "392n,393n,395n,8005"),
        .init("400", "ORDER NUMBER", [.X(upTo: 30)]),
        .init("401", "GINC", [.X(upTo: 30)], key: ""),
        .init("402", "GSIN", [.N(17, .checkDigit)], key: ""),
        .init("403", "ROUTE", [.X(upTo: 30)], req: ["00"]),
        .init("410", "SHIP TO LOC", [.N(13, .checkDigit)]),
        .init("411", "BILL TO", [.N(13, .checkDigit)]),
        .init("412", "PURCHASE FROM", [.N(13, .checkDigit)]),
        .init("413", "SHIP FOR LOC", [.N(13, .checkDigit)]),
        .init("414", "LOC No.", [.N(13, .checkDigit)], key: "254"),
        .init("415", "PAY TO", [.N(13, .checkDigit)], req: ["8020"], key: "8020"),
        .init("416", "PROD/SERV LOC", [.N(13, .checkDigit)]),
        .init("417", "PARTY", [.N(13, .checkDigit)], key: ""),
        .init("420", "SHIP TO POST", [.X(upTo: 20)], ex: "421"),
        .init("421", "SHIP TO POST", [.N(3, .iso3166), .X(upTo: 9)]),
        .init("422", "ORIGIN", [.N(3, .iso3166)], req: ["01,02,03,8006,8026"]),
        .init("7003", "EXPIRY TIME", [.N(6, .date(dayZero: false)), .N(2, .hour), .N(2, .minute)], req: ["01,02,03"]),
        .init("8003", "GRAI", [.N(1, .zero), .N(13, .checkDigit), .X(upTo: 16).opt], key: ""),
        .init("8004", "GIAI", [.X(upTo: 30)], key: ""),
        // The brief for this lane: a price per unit only makes sense next to the measure.
        .init("8005", "PRICE PER UNIT", [.N(6)], req: ["01,02", Self.measures]),
        .init("8006", "ITIP", [.N(14, .checkDigit), .N(4, .pieceOfTotal)], ex: "01,03,37", key: "22,10,21"),
        .init("8008", "PROD TIME", [.N(6, .date(dayZero: false)), .N(2, .hour), .N(2, .minute).opt, .N(2, .second).opt],
              req: ["01,02,03"]),
        .init("8010", "CPID", [.Y(upTo: 30)], key: "8011"),
        .init("8011", "CPID SERIAL", [.N(upTo: 12, .noZeroPrefix)], req: ["8010"], dl: false),
        .init("8013", "GMN", [.X(upTo: 25, .checkPair)], key: ""),
        .init("8017", "GSRN - PROVIDER", [.N(18, .checkDigit)], ex: "8018", key: ""),
        .init("8018", "GSRN - RECIPIENT", [.N(18, .checkDigit)], ex: "8017", key: ""),
        .init("8020", "REF No.", [.X(upTo: 25)], req: ["415"], dl: false),
        .init("8026", "ITIP CONTENT", [.N(14, .checkDigit), .N(4, .pieceOfTotal)], req: ["37"], ex: "02,03,8006"),
        .init("8110", "COUPON", [.X(upTo: 70, .coupon)]),
        .init("8111", "POINTS", [.N(4)], req: ["255"]),
        .init("8112", "PAPERLESS COUPON", [.X(upTo: 70, .couponPOS)]),
        .init("8200", "PRODUCT URL", [.X(upTo: 70)], req: ["01"], dl: false),
        .init("90", "INTERNAL", [.X(upTo: 30)]),
        .init("91", "INTERNAL", [.X(upTo: 90)]),
        .init("92", "INTERNAL", [.X(upTo: 90)]),
        .init("93", "INTERNAL", [.X(upTo: 90)]),
        .init("94", "INTERNAL", [.X(upTo: 90)]),
        .init("95", "INTERNAL", [.X(upTo: 90)]),
        .init("96", "INTERNAL", [.X(upTo: 90)]),
        .init("97", "INTERNAL", [.X(upTo: 90)]),
        .init("98", "INTERNAL", [.X(upTo: 90)]),
        .init("99", "INTERNAL", [.X(upTo: 90)]),
    ]

    /// The trade measures a price may be computed from: count, and metric/imperial measures.
    static let measures = "30,31nn,32nn,35nn,36nn"
}

/// One part of an AI's data field.
public struct GS1Component: Hashable, Sendable {
    public enum Characters: Hashable, Sendable {
        case digits
        /// GS1 AI encodable character set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
        case set82
        /// GS1 AI encodable character set 39: `#-/0-9A-Z`.
        case set39
    }

    public let characters: Characters
    public let minLength: Int
    public let maxLength: Int
    public let isOptional: Bool
    public let check: GS1Check?

    public var isFixedLength: Bool { minLength == maxLength }

    public static func N(_ length: Int, _ check: GS1Check? = nil) -> GS1Component {
        GS1Component(characters: .digits, minLength: length, maxLength: length, isOptional: false, check: check)
    }
    public static func N(upTo max: Int, _ check: GS1Check? = nil) -> GS1Component {
        GS1Component(characters: .digits, minLength: 1, maxLength: max, isOptional: false, check: check)
    }
    public static func X(upTo max: Int, _ check: GS1Check? = nil) -> GS1Component {
        GS1Component(characters: .set82, minLength: 1, maxLength: max, isOptional: false, check: check)
    }
    public static func Y(upTo max: Int) -> GS1Component {
        GS1Component(characters: .set39, minLength: 1, maxLength: max, isOptional: false, check: nil)
    }
    /// This component may be left out when the data ends before it.
    public var opt: GS1Component {
        GS1Component(characters: characters, minLength: minLength, maxLength: maxLength, isOptional: true, check: check)
    }
}

/// Content rules beyond length and character set ("linters" in the GS1 syntax dictionary).
public enum GS1Check: Hashable, Sendable {
    /// GS1 mod-10 check digit in the last position.
    case checkDigit
    /// YYMMDD; with `dayZero` a day of 00 means "end of the month".
    case date(dayZero: Bool)
    case hour, minute, second
    /// ISO 4217 numeric currency code.
    case iso4217
    /// ISO 3166-1 numeric country code.
    case iso3166
    /// Two check characters at the end (GMN, AI 8013), mod 1021 over set 82 with prime weights.
    case checkPair
    /// NN piece number then NN total, neither zero, piece not above total (ITIP).
    case pieceOfTotal
    /// Must be the digit 0 (GRAI's leading filler).
    case zero
    /// No leading zero (CPID serial).
    case noZeroPrefix
    /// North American coupon code structure (AI 8110).
    case coupon
    /// Paperless coupon point-of-sale offer (AI 8112).
    case couponPOS
}
