/// Why a coupon in the cart takes nothing off yet. Across boundaries it is a code and its
/// parameters (the page translates `coupon.pending.<code>`); the English `description` is what
/// the journal records and logs show (the wire format keeps that text, byte for byte).
public enum CouponPendingReason: Sendable, CustomStringConvertible {
    case emptyCart
    /// Needs one of these items (display forms, at most three, "…" when there are more).
    case needsItems([String], more: Bool)
    case minimumSpend(missing: Money, minimum: Money)
    /// Its items are already free after promotions.
    case nothingLeft
    /// Read back from a journal, which keeps the English text only.
    case recorded(String)

    public enum Code: String, CaseIterable, Sendable {
        case emptyCart = "empty-cart"
        case needsItems = "needs-items"
        case minimumSpend = "minimum-spend"
        case nothingLeft = "nothing-left"
        case notYet = "not-yet"
    }

    public var code: Code {
        switch self {
        case .emptyCart: .emptyCart
        case .needsItems: .needsItems
        case .minimumSpend: .minimumSpend
        case .nothingLeft: .nothingLeft
        case .recorded: .notYet
        }
    }

    /// The values the translated text needs; amounts preformatted.
    public var parameters: [String: String] {
        switch self {
        case .needsItems(let items, let more): ["items": items.joined(separator: ", ") + (more ? ", …" : "")]
        case .minimumSpend(let missing, let minimum): ["missing": missing.description, "minimum": minimum.description]
        case .emptyCart, .nothingLeft, .recorded: [:]
        }
    }

    public var description: String {
        switch self {
        case .emptyCart: "the cart is empty"
        case .needsItems: "needs one of these items in the cart: \(parameters["items"]!)"
        case .minimumSpend(let missing, let minimum): "spend \(missing) more (minimum spend \(minimum))"
        case .nothingLeft: "nothing left to take it off: its items are already free"
        case .recorded(let text): text
        }
    }
}

/// Equal when the journal would record the same text: a reason read back from the journal
/// equals the one pricing gave.
extension CouponPendingReason: Hashable {
    public static func == (a: Self, b: Self) -> Bool { a.description == b.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension CouponPendingReason: Codable {
    public init(from decoder: any Decoder) throws { self = .recorded(try String(from: decoder)) }
    public func encode(to encoder: any Encoder) throws { try description.encode(to: encoder) }
}
