import Checkout
import Foundation
import Journal
import Retail

/// `kiosk explain`: what the lane makes of a code, and why, for staff and integrators.
public struct ScanExplanation: Encodable, Sendable {
    public struct Element: Encodable, Sendable {
        let ai: String
        let title: String
        let value: String
        let meaning: String?
    }

    public struct WalletInfo: Encodable, Sendable {
        let wallet: String
        /// Never the full code: it is a bearer credential.
        let code: String
    }

    public struct CouponInfo: Encodable, Sendable {
        let id: String
        let value: String
        let minimumSpend: String?
        let gtins: [String]
        let validFrom: String?
        let validUntil: String
        /// "valid now", "expired 2025-01-31 23:59:59 UTC", "not valid before ...".
        let window: String
        /// "verified", or why not.
        let signature: String
    }

    public struct WeighedInfo: Encodable, Sendable {
        let layout: String
        let rule: String
        /// "0.532 kg" for weight-embedded codes.
        let weight: String?
    }

    public let input: String
    /// "item", "weighed-item", "member-card", "gs1-item", "wallet-payment", "coupon",
    /// "staff-badge", or "rejected".
    public private(set) var kind = "rejected"
    public private(set) var gtin: String?
    public private(set) var price: String?
    public private(set) var member: String?
    /// The catalog's name for the item, or nil when the catalog does not list it.
    public private(set) var catalogName: String?
    public private(set) var elements: [Element]?
    public private(set) var weighed: WeighedInfo?
    public private(set) var wallet: WalletInfo?
    public private(set) var coupon: CouponInfo?
    public private(set) var staffBadge: String?
    /// What the lane does with it.
    public private(set) var action: String?
    /// Where the lane's scan router sends it, with this catalog: "event item-scanned",
    /// "event scan-rejected: <reason>", "coupon", "staff-badge". The lane uses the same router.
    public private(set) var route: String
    public private(set) var error: String?
    /// For a refused scan: the rule that refused it ("lint:gcppos1", "carrier:gtin-symbology"),
    /// the AI concerned and the 1-based position in the input.
    public private(set) var rule: String?
    public private(set) var ai: String?
    public private(set) var position: Int?
    /// The store setting (`gs1Relaxations`) without which this scan would be refused.
    public private(set) var relaxed: String?

    public var understood: Bool { error == nil }

    /// With the default layout and no coupon keys.
    public init(_ data: String, currency: Currency, catalog: Catalog?) {
        self.init(data, interpreter: ScanInterpreter(currency: currency), catalog: catalog)
    }

    public init(_ data: String, interpreter: ScanInterpreter, catalog: Catalog?, now: Date = Date()) {
        input = Self.masked(data)
        route = Self.describe(ScanRouter(interpreter: interpreter).route(data, symbology: nil, lookup: { catalog?.item(for: $0) }))
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let meaning: ScanMeaning
        if interpreter.relaxations != .none, case .gs1(let strictError)? = Self.refusal(data, interpreter.strict) {
            relaxed = GS1Relaxations.setting(relaxing: strictError.reason).map { "\($0): \(strictError.rule) at position \(strictError.position)" }
        }
        do { meaning = try interpreter.interpret(data) } catch {
            self.error = error.description
            (rule, ai, position) = error.refusal
            // A coupon whose signature or dates fail: still show what it says.
            if case .coupon = error, let parsed = try? SignedCoupon.parse(Self.couponText(data), currency: interpreter.currency) {
                coupon = Self.info(parsed.coupon, at: seconds, signature: error.description)
            }
            return
        }
        switch meaning {
        case .item(let g):
            kind = "item"
            gtin = g.digits
            action = "looked up in the catalog and added to the cart"
        case .embeddedPrice(let key, let amount):
            kind = "weighed-item"
            gtin = key.digits
            price = amount.description
            weighed = Self.weighedInfo(key, interpreter.layout, weight: nil)
            action = "sold at the price printed in the code"
        case .embeddedWeight(let key, let grams):
            kind = "weighed-item"
            gtin = key.digits
            weighed = Self.weighedInfo(key, interpreter.layout, weight: grams)
            if let item = catalog?.item(for: key) {
                price = VariableMeasure.price(grams: grams, perKilogram: item.price).description
            }
            action = "sold by weight at the catalog's price per kilogram"
        case .memberCard(let number):
            kind = "member-card"
            member = number
            action = "attaches the member to the sale (member prices)"
        case .gs1Item(let g, let amount):
            kind = "gs1-item"
            gtin = g.digits
            price = amount?.description
            if let parsed = try? interpreter.gs1Data(Substring(data)) {
                elements = parsed.elements.map {
                    Element(ai: $0.ai, title: $0.definition.title, value: $0.value, meaning: Self.describe($0.meaning))
                }
            }
            action = "looked up in the catalog by its GTIN (AI 01) and added to the cart"
        case .walletPayment(let code):
            kind = "wallet-payment"
            wallet = WalletInfo(wallet: code.kind.displayName, code: code.masked)
            action = "pays the cart with this wallet (refused on an empty cart or during a payment)"
        case .coupon(let c):
            kind = "coupon"
            coupon = Self.info(c, at: seconds, signature: "verified")
            action = "goes into the cart; applies once its conditions hold; redeemed when the sale completes (once per lane)"
        case .staffBadge(let badge):
            kind = "staff-badge"
            staffBadge = badge
            action = "while the lane waits for staff: opens the staff form for this badge (the PIN is still asked)"
        }
        if let gtin, let item = catalog?.item(for: try! GTIN(gtin)) { catalogName = item.name.en }
    }

    static func refusal(_ data: String, _ interpreter: ScanInterpreter) -> ScanError? {
        do { _ = try interpreter.interpret(data) } catch { return error }
        return nil
    }

    static func describe(_ route: ScanRoute) -> String {
        switch route {
        case .event(.scanRejected(_, let reason, _)): return "event scan-rejected: \(reason)"
        case .event(let event): return "event " + JournalFormat.kind(of: event)
        case .coupon: return "coupon"
        case .staffBadge: return "staff-badge"
        }
    }

    /// Wallet codes are shown masked even in the echo of the input.
    static func masked(_ data: String) -> String {
        var digits = Substring(data)
        while let last = digits.last, last.isNewline { digits = digits.dropLast() }
        if digits.hasPrefix("]"), digits.utf8.count > 3 { digits = digits.dropFirst(3) }
        if let wallet = WalletCode(digits: digits) { return wallet.masked }
        return data
    }

    static func couponText(_ data: String) -> String {
        data.hasPrefix("]") && !data.hasPrefix("]KC") ? String(data.dropFirst(3)) : data
    }

    static func info(_ coupon: Coupon, at seconds: Int64, signature: String) -> CouponInfo {
        CouponInfo(id: coupon.id, value: coupon.value.description, minimumSpend: coupon.minimumSpend?.description,
                   gtins: coupon.gtins.map(\.displayForm), validFrom: coupon.validFrom.map(UTCTime.format),
                   validUntil: UTCTime.format(coupon.validUntil),
                   window: coupon.windowProblem(at: seconds).map(\.description) ?? "valid now", signature: signature)
    }

    static func weighedInfo(_ key: GTIN, _ layout: VariableMeasureLayout, weight grams: Int64?) -> WeighedInfo {
        let rule = layout.rule(for: key)
        let weight = grams.map { g -> String in
            let fraction = String(g % 1000)
            return "\(g / 1000).\(String(repeating: "0", count: 3 - fraction.count) + fraction) kg"
        }
        return WeighedInfo(layout: layout.name, rule: rule?.description ?? "-", weight: weight)
    }

    static func describe(_ meaning: GS1Meaning) -> String? {
        switch meaning {
        case .text: return nil
        case .gtin(let gtin): return "GTIN \(gtin.digits)"
        case .date(let date): return date.isEndOfMonth ? "\(date) (end of month)" : "\(date)"
        default: return "\(meaning)"
        }
    }

    public var text: String {
        var lines = ["input: \(input.debugDescription)", "kind: \(kind)"]
        if let gtin { lines.append("gtin: \(gtin)" + (catalogName.map { " (\($0))" } ?? " (not in the catalog)")) }
        if let weighed {
            lines.append("in-store code: layout \(weighed.layout), \(weighed.rule)")
            if let weight = weighed.weight { lines.append("weight: \(weight)") }
        }
        if let price { lines.append("price: \(price)") }
        if let member { lines.append("member card: \(member)") }
        if let wallet { lines.append("wallet: \(wallet.wallet), code \(wallet.code) (masked)") }
        if let coupon {
            lines.append("coupon: \(coupon.id): \(coupon.value)")
            if let min = coupon.minimumSpend { lines.append("  minimum spend: \(min)") }
            if !coupon.gtins.isEmpty { lines.append("  items: \(coupon.gtins.joined(separator: ", "))") }
            lines.append("  valid: \(coupon.validFrom ?? "now") to \(coupon.validUntil) (\(coupon.window))")
            lines.append("  signature: \(coupon.signature)")
        }
        if let staffBadge { lines.append("staff badge: \(staffBadge)") }
        for element in elements ?? [] {
            lines.append("  (\(element.ai)) \(element.title): \(element.value)" + (element.meaning.map { " = \($0)" } ?? ""))
        }
        if let action { lines.append("lane: \(action)") }
        lines.append("route: \(route)")
        if let error { lines.append("error: \(error)") }
        if let rule {
            lines.append("rule: \(rule)" + (ai.map { ", AI \($0)" } ?? "") + (position.map { ", position \($0)" } ?? ""))
        }
        if let relaxed { lines.append("relaxed by the store: \(relaxed)") }
        return lines.joined(separator: "\n")
    }

    /// Loads the configured store's currency and catalog, as `kiosk run` would.
    public static func context(configFile: URL?, assets: String?) throws -> (Currency, Catalog) {
        let (interpreter, catalog) = try explainer(configFile: configFile, assets: assets)
        return (interpreter.currency, catalog)
    }

    /// The configured store's scan interpreter (currency, in-store layout, coupon keys) and
    /// catalog, as `kiosk run` would use them.
    public static func explainer(configFile: URL?, assets: String?) throws -> (ScanInterpreter, Catalog) {
        let config = try KioskConfig.forCommand(configFile)
        let assetsURL = try AssetLocator.find(explicit: assets)
        let setup = try StoreSetup.load(store: AssetLocator.resolve(config.storeOrDemo, in: assetsURL),
                                        catalog: AssetLocator.resolve(config.catalogOrDemo, in: assetsURL))
        return (try setup.profile.scanInterpreter(), setup.catalog)
    }
}
