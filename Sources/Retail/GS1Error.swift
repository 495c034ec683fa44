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
        /// A content rule failed: "month 13", "currency 123 is not ISO 4217", ...
        case invalid(String)
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
            }
            what = "\(subject): \(c) is not \(set)"
        case .checkDigit(let found, let expected): what = "\(subject): check digit \(found) should be \(expected)"
        case .invalid(let why): what = "\(subject): \(why)"
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
        }
        return what + " at position \(position)" + (context.map { " in \($0)" } ?? "")
    }

    func moved(to position: Int) -> GS1Error { GS1Error(reason, ai: ai, position: position, context: context) }
}
