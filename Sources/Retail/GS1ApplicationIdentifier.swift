/// One GS1 Application Identifier (AI): what its data looks like and which other AIs it
/// needs or forbids, exactly as GS1's Barcode Syntax Dictionary states it. The entries
/// (`table`) are generated from that dictionary by scripts/gen-gs1-table.
public struct GS1ApplicationIdentifier: Hashable, Sendable {
    /// The AI digits ("01", "3103").
    public let ai: String
    public let title: String
    public let components: [GS1Component]
    /// For AIs with an implied decimal point (31nn-36nn, 39nn): digits after the point,
    /// which is the AI's last digit.
    public let decimals: Int?
    /// Ends by its length: no GS (FNC1) follows it (the dictionary's "*" flag).
    public let isPredefinedLength: Bool
    /// Each string is one requirement: a comma list of alternatives, each alternative one AI
    /// or several joined by "+"; "n" in an AI matches any digit ("31nn").
    public let requires: [String]
    /// AIs (or patterns) that must not appear together with this one.
    public let excludes: [String]
    /// May appear as a query attribute of a GS1 Digital Link URI (the dictionary's "?" flag).
    public let isDigitalLinkAttribute: Bool
    /// Primary key of a Digital Link path; the string lists the allowed qualifier sequences,
    /// in order, alternatives separated by "|" ("22,10,21|235"); "" = key without qualifiers.
    public let digitalLinkQualifiers: String?

    init(_ ai: String, _ title: String, _ components: [GS1Component], fnc1: Bool, dl: Bool,
         req: [String] = [], ex: [String] = [], key: String? = nil) {
        self.ai = ai
        self.title = title
        self.components = components
        self.decimals = Self.impliesDecimalPoint(ai) ? Int(String(ai.last!)) : nil
        self.isPredefinedLength = !fnc1
        self.requires = req
        self.excludes = ex
        self.isDigitalLinkAttribute = dl
        self.digitalLinkQualifiers = key
    }

    /// GS1 General Specifications 3.6: in 31nn-36nn and 39nn the last digit places the decimal point.
    private static func impliesDecimalPoint(_ ai: String) -> Bool {
        ai.utf8.count == 4 && ["31", "32", "33", "34", "35", "36", "39"].contains(String(ai.prefix(2)))
    }

    /// Shortest and longest data length allowed by the components.
    public var lengthRange: ClosedRange<Int> {
        let min = components.filter { !$0.isOptional }.reduce(0) { $0 + $1.minLength }
        return min...components.reduce(0) { $0 + $1.maxLength }
    }

    /// The entry for a concrete AI ("3103" gives NET WEIGHT (kg) with 3 decimals), or nil.
    public static func lookup(_ ai: some StringProtocol) -> GS1ApplicationIdentifier? { byAI[String(ai)] }

    static let byAI: [String: GS1ApplicationIdentifier] = Dictionary(uniqueKeysWithValues: table.map { ($0.ai, $0) })

    /// How many digits an AI starting with these two digits has (GS1 AIs are prefix-free).
    static let aiLength: [String: Int] = {
        var lengths: [String: Int] = [:]
        for ai in byAI.keys { lengths[String(ai.prefix(2))] = ai.count }
        return lengths
    }()
}

/// One part of an AI's data field.
public struct GS1Component: Hashable, Sendable {
    public enum Characters: Hashable, Sendable {
        /// N: digits.
        case digits
        /// X: GS1 AI encodable character set 82: `!"%&'()*+,-./0-9:;<=>?A-Z_a-z`.
        case set82
        /// Y: GS1 AI encodable character set 39: `#-/0-9A-Z`.
        case set39
        /// Z: GS1 AI encodable character set 64 (base64url, `=` padding at the end).
        case set64
    }

    public let characters: Characters
    public let minLength: Int
    public let maxLength: Int
    public let isOptional: Bool
    /// Content rules, in the dictionary's order.
    public let linters: [GS1Linter]

    public var isFixedLength: Bool { minLength == maxLength }

    init(_ characters: Characters, _ length: ClosedRange<Int>, _ linters: [GS1Linter], optional: Bool = false) {
        self.characters = characters
        self.minLength = length.lowerBound
        self.maxLength = length.upperBound
        self.isOptional = optional
        self.linters = linters
    }
}
