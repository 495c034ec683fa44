import Checkout
import Foundation
import GRDB
@testable import Journal
import KioskTestSupport
import Retail
import Testing

/// The scenario behind the committed golden journals (Fixtures/): six sessions that use every
/// event type, every payment outcome, coupons, a wallet code, offers and a weighed item; the
/// last session stays open, paying. `journal-v0.sqlite` was written with this scenario by the
/// code before wire format v1 (commit 2555ffa); `journal-v1.sqlite` by `recordV1` below.
enum GoldenScenario {
    static func run(_ shell: inout Shell) throws {
        let weighed = CatalogItem(gtin: gtin("200123400000"), name: LocalizedName(en: "Cheese", zh: "奶酪"),
                                  price: yuan(4990), taxCode: "B", pricing: .embeddedPrice)
        let pct = CatalogItem(gtin: gtin("690000000011"), name: LocalizedName(en: "Tea"), price: yuan(2000),
                              taxCode: "A", offer: .percentOff(15), group: "drinks")
        let forPrice = CatalogItem(gtin: gtin("690000000012"), name: LocalizedName(en: "Yogurt", zh: "酸奶"),
                                   price: yuan(450), taxCode: "B", offer: .forPrice(quantity: 3, price: yuan(1000)),
                                   group: "yogurt")
        let amountOff = CatalogItem(gtin: gtin("690000000013"), name: LocalizedName(en: "Bread"), price: yuan(800),
                                    taxCode: "B", offer: .amountOff(yuan(100)))
        let coupon = Coupon(id: "SPRING-0042", value: .amountOff(yuan(500)), minimumSpend: yuan(1000),
                            validFrom: 0, validUntil: 4_000_000_000)
        let percentCoupon = Coupon(id: "TEA-10", value: .percentOff(10), gtins: [pct.gtin], validUntil: 4_000_000_000)
        let wallet = WalletCode(digits: "134567890123456789")!

        // 1: card sale with everything staff and shopper can do.
        try shell.accept(scan(Items.apple))
        try shell.accept(scan(Items.apple))
        try shell.accept(scan(Items.milk))
        try shell.accept(.memberCardScanned("0412345678908"))
        try shell.accept(.removeLine(id: 2))
        try shell.accept(scan(Items.beer))
        try shell.accept(.staffApproved(staffID: "1001"))
        try shell.accept(.couponScanned(coupon))
        try shell.accept(.scanRejected(code: "6900000000999", reason: "item 6900000000999 is not in the catalog", unknownItem: true))
        try shell.accept(.scanRejected(code: "12345", reason: "not a GTIN", unknownItem: false))
        try shell.accept(.paperReceipt(wanted: true))
        var attempt = try #require(try shell.accept(.payRequested).attempt)
        try shell.accept(.paymentFinished(attemptID: attempt.id, .declined(reason: "card declined")))
        attempt = try #require(try shell.accept(.payRequested).attempt)
        try shell.accept(.paymentFinished(attemptID: attempt.id, .unknown(reason: "No answer from the payment terminal.")))
        try shell.accept(.paymentFinished(attemptID: attempt.id, .approved(reference: "T-0001", tender: "card")))
        try shell.accept(.receiptFinished(saleID: shell.state.sessionID!, printed: false))
        try shell.accept(.finish)

        // 2: weighed item, offers, wallet payment.
        try shell.accept(.itemScanned(weighed, embeddedPrice: yuan(1234)))
        try shell.accept(scan(pct))
        try shell.accept(scan(forPrice))
        try shell.accept(scan(forPrice))
        try shell.accept(scan(forPrice))
        try shell.accept(scan(amountOff))
        try shell.accept(.couponScanned(percentCoupon))
        try shell.accept(.walletCodeScanned(wallet))
        let walletAttempt = shell.state.phase
        guard case .paying(let wa) = walletAttempt else { Issue.record("not paying"); return }
        try shell.accept(.paymentFinished(attemptID: wa.id, .approved(reference: "W-4200000001", tender: "wechat-pay")))
        try shell.accept(.receiptFinished(saleID: shell.state.sessionID!, printed: true))
        try shell.accept(.finish)

        // 3: void refused by staff, then cancel approved.
        try shell.accept(scan(Items.apple))
        try shell.accept(scan(Items.milk))
        try shell.accept(.removeLine(id: 1))
        try shell.accept(.staffRejected(staffID: "1001"))
        try shell.accept(.cancelRequested)
        try shell.accept(.staffApproved(staffID: "1001"))

        // 4: abandoned.
        try shell.accept(scan(Items.apple))
        try shell.submit(.tick, at: shell.now + 400_000)

        // 5: member first, no paper, unknown payment confirmed by staff.
        try shell.accept(.memberCardScanned("0412345678908"))
        try shell.accept(scan(Items.apple))
        try shell.accept(.paperReceipt(wanted: false))
        attempt = try #require(try shell.accept(.payRequested).attempt)
        try shell.accept(.paymentFinished(attemptID: attempt.id, .unknown(reason: "No answer from the payment terminal.")))
        try shell.accept(.staffApproved(staffID: "1001"))
        try shell.accept(.finish)

        // 6: unknown payment rejected by staff; then the session stays open, paying.
        try shell.accept(scan(Items.apple))
        try shell.accept(scan(Items.milk))
        attempt = try #require(try shell.accept(.payRequested).attempt)
        try shell.accept(.paymentFinished(attemptID: attempt.id, .unknown(reason: "No answer from the payment terminal.")))
        try shell.accept(.staffRejected(staffID: "1001"))
        try shell.accept(.payRequested)
    }

    /// The final state the scenario leaves: paying the second attempt of the open session.
    static let openAttempt = PaymentAttempt(id: "L1-445000-P2", amount: yuan(1550))
    static let eventCount: Int64 = 50
    static let saleIDs = ["L1-2000", "L1-20000", "L1-438000"]

    static var fixtures: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures") }

    /// A copy of a committed fixture in a fresh temp dir: opening a journal migrates it, which
    /// must never touch the committed file.
    static func open(_ name: String, identity: LaneIdentity? = nil) throws -> (LaneJournal, URL) {
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("journal.sqlite")
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: path)
        return (try LaneJournal(path: path.path, identity: identity), dir)
    }

    /// The lane key `journal-v1-signed.sqlite` was signed with (a fixed test seed: Ed25519
    /// signatures are deterministic, so the fixture is reproducible).
    static let identity = try! LaneIdentity(laneID: "L1", privateKey: [UInt8](repeating: 7, count: 32))
}
