import Retail

/// A code and its parameters, for the page to say in the shopper's language (never a sentence).
public struct CodeView: Codable, Sendable, Equatable {
    let code: String
    let params: [String: String]

    init(code: String, params: [String: String] = [:]) {
        self.code = code
        self.params = params
    }

    init(_ reason: CouponPendingReason) {
        self.init(code: reason.code.rawValue, params: reason.parameters)
    }

    /// The codes of `init(_: CouponValue)`, for the translation test.
    static let couponOffers = ["amount-off", "percent-off"]

    init(_ value: CouponValue) {
        switch value {
        case .amountOff(let money): self.init(code: "amount-off", params: ["amount": money.description])
        case .percentOff(let percent): self.init(code: "percent-off", params: ["percent": String(percent)])
        }
    }
}
