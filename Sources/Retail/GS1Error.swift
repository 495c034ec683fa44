/// Why GS1 data was refused, which AI it concerns and where: `position` is the 1-based
/// character offset in the input (for a Digital Link, in the whole URL), always within it.
public struct GS1Error: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        case empty
        /// The AIM symbology identifier names a symbology that carries no GS1 element string.
        case notGS1(symbology: String)
        case unknownAI(String)
        /// Something other than AI digits where an AI should start.
        case expectedAI(found: String)
        /// The data ends inside an AI.
        case incompleteAI(String)
        /// A GS where an AI should start (doubled GS, or GS right after an AI).
        case unexpectedSeparator
        case noData
        case tooShort(length: Int, minimum: Int)
        case tooLong(length: Int, maximum: Int)
        /// The value only makes sense if a GS had ended it at `position`.
        case missingSeparator(variableLength: Bool)
        case invalidCharacter(String, allowed: GS1Component.Characters)
        case checkDigit(found: Int, expected: Int)
        /// A content rule (a linter of GS1's syntax dictionary) failed: `.iso4217`, "currency 123 is not ISO 4217".
        case invalid(rule: GS1Linter, String)
        /// Each inner list is one alternative: all its AIs together.
        case requires([[String]])
        case excludes(String)
        case duplicate
        /// Malformed bracketed form "(01)...".
        case brackets(String)
        /// Malformed Digital Link URL.
        case url(String)
        case noPrimaryKey
        case qualifier(String)
        case notDataAttribute
        // Carrier rules (which symbology may carry what, and how).
        /// Plain digits under the identifier of a symbology that may not carry a GTIN (`]C0`).
        case carriesNoGTIN(symbology: String)
        /// Data whose length is not the one the symbology carries (`]E0` with 8 digits).
        case carrierLength(symbology: String, length: Int, expected: Int)
        /// A GS right after the identifier: FNC1 in first position is never transmitted.
        case leadingSeparator
        /// The bracketed form inside a scanned GS1 symbol.
        case bracketsInSymbol
        /// The bracketed form from a scanner: GS1 meant it for typed input.
        case bracketsFromScanner
        /// GS1 element strings without the AIM identifier that says they are GS1.
        case noSymbologyIdentifier
        // Digital Link URI syntax.
        /// A short name (`gtin`) of the withdrawn first Digital Link standard.
        case shortName(String)
        case trailingSlash
        /// A qualifier of the path's key given as a query attribute.
        case qualifierInQuery(key: String)
        case repeatedAttribute
        // What the lane makes of the data.
        /// The AI the lane needs (01) is not there.
        case missingAI
        /// 393n in another currency than the store's.
        case foreignCurrency(String, store: String)
        /// A price that is not a whole number of the currency's minor units.
        case notMinorUnits(String, currency: String)
    }

    /// The GS1 rule that refused the data, as a code: a linter of GS1's syntax dictionary
    /// ("lint:gcppos1"), or the name of a format, pairing, carrier or Digital Link rule.
    public var rule: String {
        switch reason {
        case .empty, .noData: return "data:empty"
        case .notGS1: return "carrier:not-gs1"
        case .unknownAI, .expectedAI, .incompleteAI: return "syntax:ai"
        case .unexpectedSeparator, .missingSeparator: return "syntax:fnc1"
        case .tooShort, .tooLong: return "format:length"
        case .invalidCharacter(_, let set):
            switch set {
            case .digits: return "format:N"
            case .set82: return "format:X (cset82)"
            case .set39: return "format:Y (cset39)"
            case .set64: return "format:Z (cset64)"
            }
        case .checkDigit: return "lint:csum"
        case .invalid(let linter, _): return "lint:" + linter.rawValue
        case .requires: return "pairing:req"
        case .excludes: return "pairing:ex"
        case .duplicate: return "pairing:duplicate"
        case .brackets: return "syntax:brackets"
        case .url, .noPrimaryKey: return "digital-link:uri"
        case .qualifier: return "digital-link:qualifier-order"
        case .notDataAttribute: return "digital-link:data-attribute"
        case .carriesNoGTIN: return "carrier:gtin-symbology"
        case .carrierLength: return "carrier:length"
        case .leadingSeparator: return "carrier:leading-gs"
        case .bracketsInSymbol: return "carrier:brackets-in-symbol"
        case .bracketsFromScanner: return "carrier:brackets-typed-only"
        case .noSymbologyIdentifier: return "carrier:symbology-identifier"
        case .shortName: return "digital-link:short-name"
        case .trailingSlash: return "digital-link:trailing-slash"
        case .qualifierInQuery: return "digital-link:qualifier-in-query"
        case .repeatedAttribute: return "digital-link:repeated-attribute"
        case .missingAI: return "lane:needs-ai"
        case .foreignCurrency: return "lane:currency"
        case .notMinorUnits: return "lane:minor-units"
        }
    }

    public let reason: Reason
    /// The AI concerned, when there is one.
    public let ai: String?
    public let position: Int
    /// For a Digital Link: which path segment or query parameter ("path segment 01").
    public let context: String?

    public init(_ reason: Reason, ai: String? = nil, position: Int, context: String? = nil) {
        self.reason = reason
        self.ai = ai
        self.position = position
        self.context = context
    }

    public var description: String {
        let subject = ai.map { "AI \($0)" } ?? "data"
        let what: String
        switch reason {
        case .empty: what = "no data"
        case .notGS1(let s): what = "symbology \(s) does not carry GS1 element strings"
        case .unknownAI(let a): what = "unknown AI \(a)"
        case .expectedAI(let found): what = "expected an AI, found \"\(found)\""
        case .incompleteAI(let a): what = "data ends inside AI \(a)"
        case .unexpectedSeparator: what = "unexpected GS"
        case .noData: what = "\(subject) has no data"
        case .tooShort(let n, let min): what = "\(subject) too short (\(n) < \(min))"
        case .tooLong(let n, let max): what = "\(subject) too long (\(n) > \(max))"
        case .missingSeparator(let variable):
            what = "missing GS after \(variable ? "variable-length " : "")\(subject)"
        case .invalidCharacter(let c, let allowed):
            let set = switch allowed {
            case .digits: "a digit"
            case .set82: "in GS1 character set 82"
            case .set39: "in GS1 character set 39"
            case .set64: "in GS1 character set 64"
            }
            what = "\(subject): \(c) is not \(set)"
        case .checkDigit(let found, let expected): what = "\(subject): check digit \(found) should be \(expected)"
        case .invalid(_, let why): what = "\(subject): \(why)"
        case .requires(let alternatives):
            let listed = alternatives.map { $0.joined(separator: " with ") }
            let joined = listed.count == 1 ? listed[0]
                : listed.dropLast().joined(separator: ", ") + " or " + listed.last!
            what = "\(subject) requires AI \(joined)"
        case .excludes(let other): what = "\(subject) cannot be used with AI \(other)"
        case .duplicate: what = "\(subject) appears twice with different values"
        case .brackets(let why): what = why
        case .url(let why): what = why
        case .noPrimaryKey: what = "no GS1 primary key (such as /01/{gtin}) in the path"
        case .qualifier(let why): what = "\(subject) \(why)"
        case .notDataAttribute: what = "\(subject) is not allowed as a Digital Link query attribute"
        case .carriesNoGTIN(let symbology): what = "symbology \(symbology) may not carry a GTIN (AI 01)"
        case .carrierLength(let symbology, let length, let expected):
            what = "symbology \(symbology) carries \(expected) digits, not \(length)"
        case .leadingSeparator: what = "GS before the first AI (FNC1 in first position is not transmitted)"
        case .bracketsInSymbol: what = "bracketed AIs inside a scanned GS1 symbol (the form is for typed input)"
        case .bracketsFromScanner: what = "bracketed AIs from a scanner (the form is for typed input)"
        case .noSymbologyIdentifier: what = "GS1 element strings without an AIM symbology identifier (]C1, ]e0, ]d2, ]Q3, ]J1)"
        case .shortName(let name): what = "\"\(name)\" is a withdrawn Digital Link short name; use the AI"
        case .trailingSlash: what = "Digital Link path ends with \"/\""
        case .qualifierInQuery(let key): what = "\(subject) is a qualifier of AI \(key) and belongs in the path"
        case .repeatedAttribute: what = "\(subject) is repeated in the query"
        case .missingAI: what = "GS1 code without a product (AI 01)"
        case .foreignCurrency(let found, let store): what = "\(subject): price in \(found), the store sells in \(store)"
        case .notMinorUnits(let amount, let currency):
            what = "\(subject): price \(amount) is not in whole \(currency) minor units"
        }
        return what + " at position \(position)" + (context.map { " in \($0)" } ?? "")
    }

    func moved(to position: Int) -> GS1Error { GS1Error(reason, ai: ai, position: position, context: context) }
}
