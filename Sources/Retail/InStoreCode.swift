/// What the value digits of an in-store variable-measure code are.
public enum VariableMeasure: String, Hashable, Codable, Sendable {
    /// The line's price, in minor units of the store's currency.
    case price
    /// The net weight in grams; the lane charges it at the catalog's price per kilogram.
    case weight

    /// What `grams` cost at `perKilogram`, rounded half up to the minor unit.
    public static func price(grams: Int64, perKilogram: Money) -> Money {
        Money(minorUnits: PricingRules.mulDiv(max(0, grams), max(0, perKilogram.minorUnits), 1000), currency: perKilogram.currency)
    }
}

/// One in-store code format: EAN-13 digits `prefix`, item reference, optional price check digit,
/// value, GTIN check digit. `prefix.count + itemDigits + (priceCheckDigit ? 1 : 0) + valueDigits`
/// is 12.
public struct VariableMeasureRule: Hashable, Codable, Sendable, CustomStringConvertible {
    /// 1 to 3 digits the EAN-13 form starts with ("02", "21", or "2" for all of 20-29).
    public let prefix: String
    public let itemDigits: Int
    public let measure: VariableMeasure
    /// 4 or 5.
    public let valueDigits: Int
    /// A GS1 price/weight check digit (General Specifications 7.9.3) right before the value.
    public let priceCheckDigit: Bool
    /// `prefix` as ASCII bytes, for the scan path.
    let prefixBytes: [UInt8]

    public init(prefix: String, itemDigits: Int, measure: VariableMeasure, valueDigits: Int,
                priceCheckDigit: Bool) throws(VariableMeasureError) {
        guard (1...3).contains(prefix.utf8.count), prefix.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .badPrefix(prefix)
        }
        guard prefix.hasPrefix("02") || prefix.hasPrefix("2") else {
            throw .notInStorePrefix(prefix)
        }
        guard valueDigits == 4 || valueDigits == 5 else { throw .badValueDigits(valueDigits) }
        let used = prefix.utf8.count + itemDigits + (priceCheckDigit ? 1 : 0) + valueDigits
        guard itemDigits >= 1, used == 12 else { throw .wrongLength(prefix: prefix, used: used) }
        self.prefix = prefix
        self.itemDigits = itemDigits
        self.measure = measure
        self.valueDigits = valueDigits
        self.priceCheckDigit = priceCheckDigit
        prefixBytes = Array(prefix.utf8)
    }

    /// The pattern as GS1 documents draw it: "PP IIIII VVVVV C", "2P IIII K VVVVV C".
    public var description: String {
        let p = String(repeating: "P", count: prefix.count)
        return "\(prefix)=\(p) \(String(repeating: "I", count: itemDigits)) " + (priceCheckDigit ? "K " : "")
            + String(repeating: measure == .price ? "V" : "W", count: valueDigits) + " C (\(measure.rawValue))"
    }

    var valueStart: Int { prefix.utf8.count + itemDigits + (priceCheckDigit ? 1 : 0) }

    private enum CodingKeys: String, CodingKey { case prefix, itemDigits, measure, valueDigits, priceCheckDigit }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(prefix: try c.decode(String.self, forKey: .prefix), itemDigits: try c.decode(Int.self, forKey: .itemDigits),
                          measure: try c.decode(VariableMeasure.self, forKey: .measure),
                          valueDigits: try c.decode(Int.self, forKey: .valueDigits),
                          priceCheckDigit: try c.decodeIfPresent(Bool.self, forKey: .priceCheckDigit) ?? false)
        } catch let error as VariableMeasureError {
            throw DecodingError.dataCorruptedError(forKey: .prefix, in: c, debugDescription: error.description)
        }
    }
}

public enum VariableMeasureError: Error, Hashable, Sendable, CustomStringConvertible {
    case badPrefix(String)
    case notInStorePrefix(String)
    case badValueDigits(Int)
    case wrongLength(prefix: String, used: Int)
    case unknownPreset(String)
    case overlappingPrefixes(String, String)
    case noRules

    public var description: String {
        switch self {
        case .badPrefix(let p): return "variable-measure prefix \"\(p)\" is not 1 to 3 digits"
        case .notInStorePrefix(let p): return "variable-measure prefix \"\(p)\" is not in the in-store ranges 02 and 20-29"
        case .badValueDigits(let n): return "variable-measure value has \(n) digits, expected 4 or 5"
        case .wrongLength(let p, let used):
            return "variable-measure rule for prefix \(p) uses \(used) digits before the check digit, expected 12"
        case .unknownPreset(let name):
            return "unknown variable-measure preset \"\(name)\"; presets: \(VariableMeasureLayout.presetNames.joined(separator: ", "))"
        case .overlappingPrefixes(let a, let b): return "variable-measure prefixes \(a) and \(b) overlap"
        case .noRules: return "a variable-measure layout needs at least one rule"
        }
    }
}

/// How a store's scales print in-store codes (EAN-13 prefixes 02 and 20-29): the layout is
/// national, so it is part of the store profile. `default` is the layout the lane always had:
/// `PP IIIII VVVVV C`, price in minor units, prefixes 02 and 20-29, no price check digit.
///
/// Presets (after the national GS1 guidelines, simplified; "-like" because chains deviate):
/// - `default`, `cn`-like: as above (Chinese scales print `2x IIIII PPPPP C` by default).
/// - `de`-like (Germany, Netherlands): 21-24 price `2P IIII K VVVVV C`; 28-29 weight in grams
///   `2P IIII K WWWWW C`; K is the 5-digit price check digit.
/// - `uk`-like: 02 and 20 price `PP IIIII K VVVV C` with the 4-digit price check digit.
///
/// Rules look at the EAN-13 form of the GTIN, so a 12-digit UPC-A `2...` (the EAN-13 `02...`)
/// is read the same whichever way the scanner sends it. Prefix 04 stays the store's member cards.
public struct VariableMeasureLayout: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The preset's name, or "custom".
    public let name: String
    public let rules: [VariableMeasureRule]

    public init(name: String = "custom", rules: [VariableMeasureRule]) throws(VariableMeasureError) {
        guard !rules.isEmpty else { throw .noRules }
        for (i, a) in rules.enumerated() {
            for b in rules[(i + 1)...] where a.prefix.hasPrefix(b.prefix) || b.prefix.hasPrefix(a.prefix) {
                throw .overlappingPrefixes(a.prefix, b.prefix)
            }
        }
        self.name = name
        self.rules = rules
    }

    public var description: String { name }

    /// The prefixes for people: "02 or 20-29".
    public var prefixSummary: String {
        var parts: [String] = []
        var run: [Int] = []
        func flush() {
            guard let first = run.first, let last = run.last else { return }
            parts.append(run.count > 2 ? "\(first)-\(last)" : run.map(String.init).joined(separator: ", "))
            run = []
        }
        for prefix in rules.map(\.prefix).sorted() {
            if prefix.count == 2, prefix.first == "2", let n = Int(prefix), run.last.map({ $0 + 1 == n }) ?? true {
                run.append(n)
            } else {
                flush()
                if prefix.count == 2, prefix.first == "2", let n = Int(prefix) { run = [n] } else { parts.append(prefix) }
            }
        }
        flush()
        return parts.count > 1 ? parts.dropLast().joined(separator: ", ") + " or " + parts.last! : parts.first ?? ""
    }

    // Preset rules are checked by the tests; their parameters are constants.
    private static func rule(_ prefix: String, _ item: Int, _ measure: VariableMeasure, _ value: Int, check: Bool) -> VariableMeasureRule {
        try! VariableMeasureRule(prefix: prefix, itemDigits: item, measure: measure, valueDigits: value, priceCheckDigit: check)
    }

    private static func prefixes(_ list: [String], _ make: (String) -> VariableMeasureRule) -> [VariableMeasureRule] {
        list.map(make)
    }

    public static let `default` = try! VariableMeasureLayout(
        name: "default",
        rules: prefixes(["02", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29"]) { rule($0, 5, .price, 5, check: false) })

    public static let cn = try! VariableMeasureLayout(name: "cn", rules: Self.default.rules)

    public static let de = try! VariableMeasureLayout(
        name: "de",
        rules: prefixes(["21", "22", "23", "24"]) { rule($0, 4, .price, 5, check: true) }
            + prefixes(["28", "29"]) { rule($0, 4, .weight, 5, check: true) })

    public static let uk = try! VariableMeasureLayout(
        name: "uk", rules: prefixes(["02", "20"]) { rule($0, 5, .price, 4, check: true) })

    public static let presets: [String: VariableMeasureLayout] = ["default": .default, "cn": .cn, "de": .de, "nl": .de, "uk": .uk]
    public static var presetNames: [String] { presets.keys.sorted() }

    public static func preset(_ name: String) throws(VariableMeasureError) -> VariableMeasureLayout {
        guard let layout = presets[name] else { throw .unknownPreset(name) }
        return layout
    }

    // MARK: Reading codes

    /// The rule for a GTIN's EAN-13 form, or nil when it is not an in-store variable-measure code.
    public func rule(for gtin: GTIN) -> VariableMeasureRule? {
        // Byte by byte: this runs on every scan. digits[0] is the GTIN-14 indicator, "0" for EAN-13 forms.
        var digits = gtin.digits
        return digits.withUTF8 { bytes -> VariableMeasureRule? in
            guard bytes.count == 14, bytes[0] == 48 else { return nil }
            for rule in rules {
                var matches = true
                for (i, b) in rule.prefixBytes.enumerated() where bytes[i + 1] != b {
                    matches = false
                    break
                }
                if matches { return rule }
            }
            return nil
        }
    }

    /// The value digits (price in minor units, or grams).
    public func value(_ gtin: GTIN, _ rule: VariableMeasureRule) -> Int64 {
        let code = Array(gtin.digits.utf8.dropFirst())
        var value: Int64 = 0
        for d in code[rule.valueStart..<rule.valueStart + rule.valueDigits] { value = value * 10 + Int64(d - 48) }
        return value
    }

    /// The price check digit printed in the code and the one its value digits give, when the
    /// rule has one and they differ.
    public func priceCheckMismatch(_ gtin: GTIN, _ rule: VariableMeasureRule) -> (found: Int, expected: Int)? {
        guard rule.priceCheckDigit else { return nil }
        let code = Array(gtin.digits.utf8.dropFirst())
        let valueDigits = code[rule.valueStart..<rule.valueStart + rule.valueDigits].map { Int($0 - 48) }
        let expected = PriceCheckDigit.compute(valueDigits)
        let found = Int(code[rule.valueStart - 1] - 48)
        return found == expected ? nil : (found, expected)
    }

    /// The code with its value digits (and price check digit) zeroed and the check digit
    /// recomputed: how the catalog lists the item.
    public func key(_ gtin: GTIN, _ rule: VariableMeasureRule) -> GTIN {
        let code = String(gtin.digits.dropFirst())
        let keep = rule.prefix.count + rule.itemDigits
        let body = String(code.prefix(keep)) + (rule.priceCheckDigit ? "0" : "") + String(repeating: "0", count: rule.valueDigits)
        return try! GTIN(GTIN.appendingCheckDigit(body))
    }

    /// The code a scale prints for the item `key` with `value` (price in minor units or grams):
    /// for demos, tests and benchmarks. Nil when `key` has no rule or the value does not fit.
    public func code(key: GTIN, value: Int64) -> String? {
        guard let rule = rule(for: key), value >= 0 else { return nil }
        var limit: Int64 = 1
        for _ in 0..<rule.valueDigits { limit *= 10 }
        guard value < limit else { return nil }
        let text = String(value)
        let valueText = String(repeating: "0", count: rule.valueDigits - text.count) + text
        let code = String(key.digits.dropFirst())
        var body = String(code.prefix(rule.prefix.count + rule.itemDigits))
        if rule.priceCheckDigit { body += String(PriceCheckDigit.compute(valueText.utf8.map { Int($0 - 48) })) }
        return GTIN.appendingCheckDigit(body + valueText)
    }

    // MARK: Codable: a preset name, or {"rules": [...]}

    private enum CodingKeys: String, CodingKey { case name, rules }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            do { self = try Self.preset(name) } catch {
                throw DecodingError.dataCorruptedError(in: single, debugDescription: error.description)
            }
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rules = try c.decode([VariableMeasureRule].self, forKey: .rules)
        let name = try c.decodeIfPresent(String.self, forKey: .name) ?? "custom"
        do throws(VariableMeasureError) { try self.init(name: name, rules: rules) } catch {
            throw DecodingError.dataCorruptedError(forKey: .rules, in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let preset = Self.presets[name], preset == self {
            var single = encoder.singleValueContainer()
            try single.encode(name)
            return
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(rules, forKey: .rules)
    }
}

/// The GS1 check digit of a 4- or 5-digit price or weight field (General Specifications 7.9.3),
/// with the weighting factors 2-, 3, 5+ and 5-.
public enum PriceCheckDigit {
    static let twoMinus = [0, 2, 4, 6, 8, 9, 1, 3, 5, 7]
    static let three = [0, 3, 6, 9, 2, 5, 8, 1, 4, 7]
    static let fivePlus = [0, 5, 1, 6, 2, 7, 3, 8, 4, 9]
    static let fiveMinus = [0, 5, 9, 4, 8, 3, 7, 2, 6, 1]

    /// `digits` are 4 or 5 values 0...9.
    public static func compute(_ digits: [Int]) -> Int {
        precondition(digits.count == 4 || digits.count == 5, "price check digits cover 4 or 5 digits")
        if digits.count == 4 {
            let sum = twoMinus[digits[0]] + twoMinus[digits[1]] + three[digits[2]] + fiveMinus[digits[3]]
            return (sum * 3) % 10
        }
        let sum = fivePlus[digits[0]] + twoMinus[digits[1]] + fiveMinus[digits[2]] + fivePlus[digits[3]] + twoMinus[digits[4]]
        let target = (10 - sum % 10) % 10
        return fiveMinus.firstIndex(of: target)!
    }
}

/// Codes with fixed meaning whatever the layout.
enum InStoreCode {
    /// The 13 digits of a GTIN that has an EAN-13 form (EAN-13, UPC-A, GTIN-14 with indicator 0).
    static func ean13(_ gtin: GTIN) -> Substring? {
        gtin.digits.first == "0" ? gtin.digits.dropFirst() : nil
    }

    /// True for prefix 04, which this store gives to member cards.
    static func isMemberCard(_ gtin: GTIN) -> Bool {
        ean13(gtin)?.hasPrefix("04") ?? false
    }
}
