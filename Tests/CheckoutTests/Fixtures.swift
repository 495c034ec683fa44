import Testing
import Checkout
import KioskTestSupport
import Retail

// Small catalog and lane for the tests: KioskTestSupport's store (CNY, tax A 13% and B 9%; `cny`,
// `yuan`, `gtin`, `scan`, `storeRules` and the apple, milk and beer) and more items.

let usd = Currency(code: "USD", minorDigits: 2)

/// Small limits so the limit rules are easy to reach.
let config = LaneConfig(laneID: "L1", pricing: storeRules, emptyCartTimeout: 60_000, abandonedCartTimeout: 300_000,
                        receiptTimeout: 15_000, maximumQuantity: 5, maximumLines: 4)
let lane = Lane(config: config)

extension Items {
    static let spirits = CatalogItem(gtin: gtin("690000000004"), name: LocalizedName(en: "Spirits"),
                                     price: yuan(9900), taxCode: "A", minimumAge: 21)
    static let lighter = CatalogItem(gtin: gtin("690000000005"), name: LocalizedName(en: "Lighter"),
                                     price: yuan(200), taxCode: "A", minimumAge: 16)
    /// Weighed: the price is per kilogram; the scan carries the line's amount.
    static let bananas = CatalogItem(gtin: gtin("200001000000"), name: LocalizedName(en: "Bananas"),
                                     price: yuan(698), taxCode: "B", pricing: .embeddedPrice)
    static let freebie = CatalogItem(gtin: gtin("690000000006"), name: LocalizedName(en: "Bag"),
                                     price: yuan(0), taxCode: "A")
    static let unknownTax = CatalogItem(gtin: gtin("690000000007"), name: LocalizedName(en: "Odd"),
                                        price: yuan(100), taxCode: "Z")
    static let dollars = CatalogItem(gtin: gtin("690000000008"), name: LocalizedName(en: "Import"),
                                     price: Money(minorUnits: 100, currency: usd), taxCode: "A")
    static let dollarMemberPrice = CatalogItem(gtin: gtin("690000000009"), name: LocalizedName(en: "Import 2"),
                                               price: yuan(100), memberPrice: Money(minorUnits: 90, currency: usd),
                                               taxCode: "A")
}

let memberCard = "0412345678903"

/// A WeChat Pay payment code as the phone shows it.
let walletCode = WalletCode(digits: "134567890123456789")!
/// ¥1.00 off, no conditions, valid from the epoch to 1,000,000 s (the tests' clock is in ms from 0).
let coupon = Coupon(id: "C1", value: .amountOff(yuan(100)), validFrom: 0, validUntil: 1_000_000)

func weigh(_ item: CatalogItem, _ price: Int64) -> LaneEvent { .itemScanned(item, embeddedPrice: yuan(price)) }

/// Steps a lane and checks every transition exactly: the expected state is the previous one with
/// the changes the test lists, so anything else that changed fails the test.
struct Harness {
    var state = LaneState()

    /// Applies `event` and expects exactly `effects` and exactly the state `change` describes.
    @discardableResult
    mutating func step(_ event: LaneEvent, at now: Timestamp, effects expectedEffects: [Effect] = [],
                       sourceLocation: SourceLocation = #_sourceLocation,
                       _ change: (inout LaneState) -> Void = { _ in }) -> [Effect] {
        var expected = state
        change(&expected)
        let result = lane.apply(&state, event, at: now)
        #expect(result == .success(expectedEffects), sourceLocation: sourceLocation)
        #expect(state == expected, sourceLocation: sourceLocation)
        return (try? result.get()) ?? []
    }

    /// Applies `event` and expects a refusal with `code` and no change at all.
    mutating func refused(_ event: LaneEvent, at now: Timestamp, code: String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
        let before = state
        switch lane.apply(&state, event, at: now) {
        case .failure(let refusal):
            #expect(refusal.code.rawValue == code, sourceLocation: sourceLocation)
            #expect(!refusal.message.isEmpty, sourceLocation: sourceLocation)
        case .success(let effects):
            Issue.record("expected a refusal \(code), got \(effects)", sourceLocation: sourceLocation)
        }
        #expect(state == before, sourceLocation: sourceLocation)
    }

    /// Applies events without checking (to reach a state the test is not about).
    mutating func run(_ events: [(LaneEvent, Timestamp)]) {
        for (event, now) in events { _ = lane.apply(&state, event, at: now) }
    }
}

/// A fresh state as the reducer leaves it when it goes back to idle.
func idleState(at now: Timestamp) -> LaneState {
    var state = LaneState()
    state.lastActivity = now
    return state
}

func line(_ id: Int, _ item: CatalogItem, _ quantity: Int = 1, embedded: Int64? = nil) -> CartLine {
    CartLine(id: id, item: item, quantity: quantity, embeddedPrice: embedded.map(yuan))
}

extension Lane {
    /// Tests' shorthand for `reduce`: keeps the new state in `state` when the event is taken and
    /// returns its effects; a refusal leaves `state` as it was.
    func apply(_ state: inout LaneState, _ event: LaneEvent, at now: Timestamp) -> Result<[Effect], Refusal> {
        switch reduce(state, event, at: now) {
        case .success(let transition):
            state = transition.state
            return .success(transition.effects)
        case .failure(let refusal):
            return .failure(refusal)
        }
    }
}
