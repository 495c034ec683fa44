import Retail

/// Where a scanned code goes. Pure: the lane and `kiosk explain` both route through it, so what
/// explain says is what the lane does.
public enum ScanRoute: Hashable, Sendable {
    /// A lane event: items, member cards, wallet codes and rejected codes (the shopper sees why).
    case event(LaneEvent)
    /// A signed coupon: the shell checks it was not redeemed on this lane (journal I/O), then
    /// submits `.couponScanned`.
    case coupon(Coupon)
    /// A staff badge: opens the staff form while the lane waits for staff.
    case staffBadge(String)
}

/// Turns scanner data into a `ScanRoute`: interprets it (`ScanInterpreter`) and looks items up
/// with `lookup` (the catalog is the caller's I/O).
public struct ScanRouter: Sendable {
    public let interpreter: ScanInterpreter

    public init(interpreter: ScanInterpreter) {
        self.interpreter = interpreter
    }

    /// What the interpreter is given. A scanner that reports the symbology apart from the data
    /// (the camera, HID POS scanners) sends GS1 data without the FNC1 that marks it as GS1: the
    /// identifier goes back in front, so "]C1" + "0109501101530003..." reads as a GS1-128 code
    /// and not as 30 digits. Digits keep theirs too, so the carrier rules apply (no GTIN from
    /// Code 128 `]C0`), except EAN/UPC (`]E`): decoders such as zbar send UPC-A and UPC-E in
    /// their short forms, not AIM's 13 digits. Other data goes as it is (a staff badge in a QR
    /// code must stay "STAFF:...").
    public static func interpretable(_ data: String, symbology: String?) -> String {
        guard let symbology, !data.hasPrefix("]") else { return data }
        let digits = !data.isEmpty && data.utf8.allSatisfy { $0 &- 48 < 10 }
        let keep = GS1Carrier.elementStringSymbologies.contains(symbology) || (digits && !symbology.hasPrefix("]E"))
        return keep ? symbology + data : data
    }

    public func route(_ data: String, symbology: String?, lookup: (GTIN) -> CatalogItem?) -> ScanRoute {
        // The one place raw scanner text enters the lane: what a rejected scan keeps is redacted here.
        let shown = ScanRedaction.redact(data)
        func rejected(_ reason: String) -> ScanRoute {
            .event(.scanRejected(code: shown, reason: ScanRedaction.redact(reason, limit: 400), unknownItem: false))
        }
        let meaning: ScanMeaning
        do {
            meaning = try interpreter.interpret(Self.interpretable(data, symbology: symbology))
        } catch {
            return rejected(error.description)
        }
        switch meaning {
        case .item(let gtin):
            guard let item = lookup(gtin), item.pricing == .unit else { break }
            return .event(.itemScanned(item, embeddedPrice: nil))
        case .embeddedPrice(let key, let price):
            guard price.minorUnits > 0 else { return rejected("the scale label shows no price") }
            guard let item = lookup(key), item.pricing == .embeddedPrice else { break }
            return .event(.itemScanned(item, embeddedPrice: price))
        case .embeddedWeight(let key, let grams):
            guard grams > 0 else { return rejected("the scale label shows no weight") }
            guard let item = lookup(key), item.pricing == .embeddedPrice else { break }
            let price = VariableMeasure.price(grams: grams, perKilogram: item.price)
            guard price.minorUnits > 0 else { return rejected("\(grams) g of \(item.name.en) comes to nothing at \(item.price)/kg") }
            return .event(.itemScanned(item, embeddedPrice: price))
        case .memberCard(let number):
            return .event(.memberCardScanned(number))
        case .gs1Item(let gtin, let price):
            guard let item = lookup(gtin) else { break }
            switch (item.pricing, price) {
            case (.unit, _): return .event(.itemScanned(item, embeddedPrice: nil)) // the catalog price rules
            case (.embeddedPrice, let price?): return .event(.itemScanned(item, embeddedPrice: price))
            case (.embeddedPrice, nil): return rejected("the code carries no price (AI 392n or 393n) for this weighed item")
            }
        case .walletPayment(let wallet):
            // Never the digits: the reducer decides, and the journal stores the masked code.
            return .event(.walletCodeScanned(wallet))
        case .coupon(let coupon):
            return .coupon(coupon)
        case .staffBadge(let badge):
            return .staffBadge(badge)
        }
        return .event(.scanRejected(code: shown, reason: "item \(shown) is not in the catalog", unknownItem: true))
    }
}
