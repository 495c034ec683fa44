import Checkout
import Crypto
import Foundation
import Journal
import KioskTestSupport
import Peripherals
import Retail
import Testing
@testable import KioskApp

/// The new scan kinds end to end in the running lane: signed coupons (real Ed25519 with the demo
/// key, redemption journaled once per lane), wallet codes routed to payment (never stored in
/// full), staff badges opening the staff form, per-store in-store layouts.
@Suite struct CouponRedemptionTests {
    static let assets = repositoryRoot.appendingPathComponent("assets")

    func plainItem(_ item: CatalogItem) -> Bool {
        item.pricing == .unit && item.minimumAge == nil && item.multiBuy == nil && item.offer == nil && item.memberPrice == nil
    }

    func code(_ coupon: Coupon) throws -> String { try CouponSigner.demo(assets: Self.assets).sign(coupon) }

    func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    @Test func theDemoKeyPairMatchesTheDemoStore() throws {
        let signer = try CouponSigner.demo(assets: Self.assets)
        let lane = try TestLane()
        #expect(lane.setup.profile.couponKeys.map(\.publicKey) == [signer.publicKeyBase64])
    }

    @Test func aCouponIsRedeemedOnceAcrossRestartsButAnAbandonedCartDoesNotUseItUp() async throws {
        let first = try TestLane()
        let item = try #require(first.setup.catalog.items.first(where: plainItem))
        let fiveOff = Coupon(id: "T-ONCE", value: .amountOff(Money(minorUnits: 100, currency: first.setup.profile.currency)),
                             validFrom: now() - 60, validUntil: now() + 3600)
        let coupon = try code(fiveOff)

        // In a cart that is then cancelled: not redeemed.
        #expect(await first.runtime.scan(ScannedCode(data: coupon, source: "test")) == .accepted)
        #expect(await first.runtime.state.coupons == [fiveOff])
        #expect(await first.runtime.state.notice == .couponAdded(id: "T-ONCE"))
        #expect(await first.runtime.submit(.cancelRequested).succeeded)
        #expect(try first.journal.couponRedemption(id: "T-ONCE") == nil)

        // Used in a sale: redeemed in the sale's own journal transaction.
        #expect(await first.runtime.scan(ScannedCode(data: item.gtin.displayForm, source: "test")) == .accepted)
        #expect(await first.runtime.scan(ScannedCode(data: "]Q1" + coupon, source: "test")) == .accepted)
        #expect(await first.runtime.view().coupons.first?.status == "applied")
        #expect(await first.runtime.submit(.payRequested).succeeded)
        let done = try await first.waitFor { if case .receipt = $0.phase { true } else { false } }
        let sale = try #require(done.lastSale)
        #expect(sale.priced.total == item.price - Money(minorUnits: 100, currency: item.price.currency))
        let redemption = try #require(try first.journal.couponRedemption(id: "T-ONCE"))
        #expect(redemption.saleID == sale.id)
        let saleSeq = try #require(try first.journal.recentSales(limit: 1).first?.seq)
        #expect(redemption.seq == saleSeq)
        let receipt = try String(contentsOf: first.directory.appendingPathComponent("receipts/\(sale.id).txt"), encoding: .utf8)
        #expect(receipt.contains("coupon T-ONCE") && receipt.contains("-¥1.00"))

        // Scanned again: refused, and nothing is journaled for it.
        let entries = try first.journal.entries().count
        #expect(await first.runtime.scan(ScannedCode(data: coupon, source: "test"))
                == .refused(code: "coupon-already-redeemed", message: "coupon T-ONCE was already used, in sale \(sale.id)"))
        #expect(try first.journal.entries().count == entries)

        // After a restart too.
        let second = try TestLane(directory: first.directory)
        await second.runtime.resume()
        let again = await second.runtime.scan(ScannedCode(data: coupon, source: "test"))
        guard case .refused("coupon-already-redeemed", _) = again else { Issue.record("got \(again)"); return }
    }

    @Test func aForgedOrExpiredCouponIsRefusedWithTheReason() async throws {
        let lane = try TestLane()
        let currency = lane.setup.profile.currency
        // Signed by another key.
        let stranger = try CouponSigner(privateKey: [UInt8](Curve25519.Signing.PrivateKey().rawRepresentation), keyID: "x")
        let forged = try stranger.sign(Coupon(id: "F", value: .percentOff(90), validUntil: now() + 3600))
        let outcome = await lane.runtime.scan(ScannedCode(data: forged, source: "test"))
        guard case .refused("unreadable-code", let message) = outcome else { Issue.record("got \(outcome)"); return }
        #expect(message.contains("signature does not match"))

        // Altered after signing: one payload character changed (the digit of the amount).
        let genuine = try code(Coupon(id: "G", value: .amountOff(Money(minorUnits: 100, currency: currency)), validUntil: now() + 3600))
        let parts = genuine.split(separator: ".")
        let payload = String(decoding: try Base64URL.decode(Array(parts[1].utf8)[...]), as: UTF8.self)
        let altered = SignedCoupon.signingInput(payload.replacingOccurrences(of: "off=100", with: "off=900")) + "." + parts[2]
        guard case .refused("unreadable-code", let why) = await lane.runtime.scan(ScannedCode(data: altered, source: "test")) else {
            Issue.record("an altered coupon was accepted"); return
        }
        #expect(why.contains("signature"))

        // Expired: refused by the lane with the date.
        let expired = try code(Coupon(id: "E", value: .percentOff(5), validFrom: 0, validUntil: 86_399))
        #expect(await lane.runtime.scan(ScannedCode(data: try lane.code(plainItem), source: "test")) == .accepted)
        #expect(await lane.runtime.scan(ScannedCode(data: expired, source: "test"))
                == .refused(code: "coupon-expired", message: "coupon E expired 1970-01-01 23:59:59 UTC"))

        // A store without coupon keys takes none.
        let keyless = try TestLane(adjust: { $0.couponKeys = [] })
        guard case .refused("unreadable-code", let none) = await keyless.runtime.scan(ScannedCode(data: genuine, source: "test")) else {
            Issue.record("a store without keys took a coupon"); return
        }
        #expect(none.contains("no coupon keys"))
    }

    @Test func aPendingCouponSaysWhyAndIsNotRedeemed() async throws {
        let lane = try TestLane()
        let currency = lane.setup.profile.currency
        let item = try #require(lane.setup.catalog.items.first(where: plainItem))
        let big = Coupon(id: "BIG-SPEND", value: .amountOff(Money(minorUnits: 500, currency: currency)),
                         minimumSpend: Money(minorUnits: 1_000_000, currency: currency), validUntil: now() + 3600)
        #expect(await lane.runtime.scan(ScannedCode(data: item.gtin.displayForm, source: "test")) == .accepted)
        #expect(await lane.runtime.scan(ScannedCode(data: try code(big), source: "test")) == .accepted)
        let view = await lane.runtime.view()
        #expect(view.coupons.first?.status == "pending")
        #expect(view.coupons.first?.reason?.code == "minimum-spend")
        #expect(view.totals.total == item.price.description)
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        _ = try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }
        #expect(try lane.journal.couponRedemption(id: "BIG-SPEND") == nil)
    }
}

@Suite struct WalletRoutingTests {
    func plainItem(_ item: CatalogItem) -> Bool { item.pricing == .unit && item.minimumAge == nil && item.multiBuy == nil }

    static let weChat = "134567890123456789"

    @Test func aWalletCodePaysTheCartAndIsNeverStoredInFull() async throws {
        let lane = try TestLane()
        // On an empty lane: refused with the reason, nothing journaled.
        let early = await lane.runtime.scan(ScannedCode(data: Self.weChat, source: "test"))
        guard case .refused("empty-cart", let message) = early else { Issue.record("got \(early)"); return }
        #expect(message.contains("scan your items first"))
        #expect(try lane.journal.entries().isEmpty)

        #expect(await lane.runtime.scan(ScannedCode(data: try lane.code(plainItem), source: "test")) == .accepted)
        #expect(await lane.runtime.scan(ScannedCode(data: Self.weChat, source: "test")) == .accepted)
        let done = try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }
        let sale = try #require(done.lastSale)
        #expect(sale.tender == "wechat-pay")
        #expect(sale.paymentReference.hasPrefix("SIM-W"))
        #expect(sale.attempt.wallet?.masked == "13************6789")
        #expect(await lane.terminal.charges == 1)
        #expect(try lane.journal.entries().map(\.kind).contains("wallet-code-scanned"))

        // The receipt names the wallet with the masked code.
        let receipt = try String(contentsOf: lane.directory.appendingPathComponent("receipts/\(sale.id).txt"), encoding: .utf8)
        #expect(receipt.contains("WeChat Pay 13************6789"))

        // Nowhere on disk: journal (and its WAL), terminal ledger, receipts.
        for file in try FileManager.default.subpathsOfDirectory(atPath: lane.directory.path) {
            let url = lane.directory.appendingPathComponent(file)
            guard let bytes = try? Data(contentsOf: url) else { continue }
            #expect(bytes.range(of: Data(Self.weChat.utf8)) == nil, "\(file) holds the wallet code")
        }
        // The attempt row names the wallet, masked.
        let text = try JournalReport(path: lane.directory.appendingPathComponent("journal.sqlite").path).render(limit: 20)
        #expect(text.contains("wallet-code-scanned WeChat Pay 13************6789"))
    }

    @Test func aWalletCodeDuringPaymentIsRefusedAndADeclinedOneReturnsToShopping() async throws {
        // A terminal that never answers this total keeps the payment in progress for the whole test.
        let item = try #require(try TestLane().setup.catalog.items.first { plainItem($0) })
        let lane = try TestLane(rules: .init(approvalDelayMilliseconds: 0, declineWhenCentsAre: [],
                                             noAnswerWhenCentsAre: [Int(item.price.minorUnits % 100)]),
                                paymentTimeout: .seconds(600))
        #expect(await lane.runtime.scan(ScannedCode(data: item.gtin.displayForm, source: "test")) == .accepted)
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let busy = await lane.runtime.scan(ScannedCode(data: Self.weChat, source: "test"))
        guard case .refused("payment-in-progress", let message) = busy else { Issue.record("got \(busy)"); return }
        #expect(message.contains("not used"))
        #expect(await lane.terminal.charges == 0)

        let quick = try TestLane()
        #expect(await quick.runtime.scan(ScannedCode(data: try quick.code(plainItem), source: "test")) == .accepted)
        // The simulated wallet declines codes ending in 0000 as expired.
        #expect(await quick.runtime.scan(ScannedCode(data: "130000000000000000", source: "test")) == .accepted)
        let back = try await quick.waitFor { $0.phase == .shopping }
        guard case .paymentDeclined(let reason)? = back.notice else { Issue.record("got \(String(describing: back.notice))"); return }
        #expect(reason.contains("WeChat Pay"), "the journal keeps the gateway's words")
        #expect(await quick.runtime.view().notice?.reason == "declined", "the page gets a code")
        #expect(await quick.terminal.charges == 0)
    }
}

@Suite struct StaffBadgeScanTests {
    @Test func aBadgeOpensTheStaffFormInAnyPhase() async throws {
        let lane = try TestLane()
        // Idle: the form asks the PIN for the maintenance screen; the shopper's next step forgets the badge.
        #expect(await lane.runtime.scan(ScannedCode(data: "STAFF:1001", source: "test")) == .accepted)
        #expect(await lane.runtime.view().staffBadge == LaneView.StaffBadgeView(badge: "1001", name: "Demo Supervisor"))
        let restricted = try lane.code { $0.minimumAge != nil && $0.pricing == .unit }
        #expect(await lane.runtime.scan(ScannedCode(data: restricted, source: "test")) == .accepted)
        #expect(await lane.runtime.view().staffBadge == nil)
        #expect(await lane.runtime.scan(ScannedCode(data: "STAFF:9999", source: "test"))
                == .refused(code: "unknown-badge", message: "badge 9999 is not one of this lane's staff"))
        #expect(await lane.runtime.scan(ScannedCode(data: "STAFF:1001", source: "test")) == .accepted)
        let view = await lane.runtime.view()
        #expect(view.phase == "attendant")
        #expect(view.staffBadge == LaneView.StaffBadgeView(badge: "1001", name: "Demo Supervisor"))
        // Not journaled: nothing is decided until the PIN is right.
        #expect(try lane.journal.entries().map(\.kind) == ["item-scanned"])
        // Approval (through the same path as the staff API) closes the form and forgets the badge.
        #expect(await lane.runtime.submit(.staffApproved(staffID: "1001")).succeeded)
        #expect(await lane.runtime.view().staffBadge == nil)
    }
}

@Suite struct InStoreLayoutTests {
    @Test func aGermanLikeStoreSellsByWeightAndCheckedPrice() async throws {
        let currency = Currency(code: "CNY", minorDigits: 2)
        let cheeseKey = try GTIN(GTIN.appendingCheckDigit("280456000000"))
        let hamKey = try GTIN(GTIN.appendingCheckDigit("220123000000"))
        let cheese = CatalogItem(gtin: cheeseKey, name: LocalizedName(en: "Cheese (per kg)"),
                                 price: Money(minorUnits: 1980, currency: currency), taxCode: "B", pricing: .embeddedPrice)
        let ham = CatalogItem(gtin: hamKey, name: LocalizedName(en: "Ham"), price: Money(minorUnits: 2990, currency: currency),
                              taxCode: "B", pricing: .embeddedPrice)
        let lane = try TestLane(adjust: { $0.variableMeasure = .de }, extraItems: [cheese, ham])
        let layout = VariableMeasureLayout.de
        // 0.532 kg at 19.80/kg = 10.5336 -> 10.53.
        #expect(await lane.runtime.scan(ScannedCode(data: try #require(layout.code(key: cheeseKey, value: 532)), source: "test")) == .accepted)
        #expect(await lane.runtime.scan(ScannedCode(data: try #require(layout.code(key: hamKey, value: 645)), source: "test")) == .accepted)
        #expect(await lane.runtime.state.lines.map(\.embeddedPrice?.minorUnits) == [1053, 645])
        // A misread price digit is caught by the price check digit.
        let good = try #require(layout.code(key: hamKey, value: 645))
        let misread = GTIN.appendingCheckDigit(String(good.prefix(7)) + "00745")
        guard case .refused("unreadable-code", let why) = await lane.runtime.scan(ScannedCode(data: misread, source: "test")) else {
            Issue.record("a misread price was sold"); return
        }
        #expect(why.contains("price check digit"))
        // Zero grams is not a sale.
        let nothing = await lane.runtime.scan(ScannedCode(data: try #require(layout.code(key: cheeseKey, value: 0)), source: "test"))
        #expect(nothing == .refused(code: "unreadable-code", message: "the scale label shows no weight"))
    }

    @Test func salesTaxStoresAddTaxToTheTotalOnThePageAndTheReceipt() async throws {
        let lane = try TestLane(adjust: { $0.taxMode = .exclusive })
        let item = try #require(lane.setup.catalog.items.first { $0.pricing == .unit && $0.minimumAge == nil && $0.taxCode == "A" && $0.multiBuy == nil })
        #expect(await lane.runtime.scan(ScannedCode(data: item.gtin.displayForm, source: "test")) == .accepted)
        let view = await lane.runtime.view()
        let tax = PricingRules.addedTax(on: item.price, basisPoints: 1300)
        #expect(view.totals.taxIncluded == false)
        #expect(view.totals.addedTax == tax.description)
        #expect(view.totals.total == (item.price + tax).description)
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let done = try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }
        let sale = try #require(done.lastSale)
        #expect(sale.attempt.amount == item.price + tax)
        let receipt = try String(contentsOf: lane.directory.appendingPathComponent("receipts/\(sale.id).txt"), encoding: .utf8)
        // Between subtotal and total: "Tax ... ¥x.xx".
        #expect(receipt.split(separator: "\n").contains { $0.hasPrefix("Tax") && $0.hasSuffix(tax.description) }, "\(receipt)")
    }
}

@Suite struct NewKindsExplanationTests {
    @Test func explainShowsEveryNewKind() throws {
        let lane = try TestLane()
        let interpreter = try lane.setup.profile.scanInterpreter()
        let catalog = lane.setup.catalog

        let wallet = ScanExplanation("134567890123456789", interpreter: interpreter, catalog: catalog)
        #expect(wallet.kind == "wallet-payment")
        #expect(wallet.input == "13************6789")
        #expect(!wallet.text.contains("134567890123456789"))
        let json = String(decoding: try JSONEncoder().encode(wallet), as: UTF8.self)
        #expect(!json.contains("134567890123456789"))

        let badge = ScanExplanation("STAFF:1001", interpreter: interpreter, catalog: catalog)
        #expect(badge.kind == "staff-badge" && badge.staffBadge == "1001")

        let signer = try CouponSigner.demo(assets: CouponRedemptionTests.assets)
        let couponText = try signer.sign(Coupon(id: "X1", value: .percentOff(10), validFrom: 100, validUntil: 200))
        let coupon = ScanExplanation(couponText, interpreter: interpreter, catalog: catalog, now: Date(timeIntervalSince1970: 300))
        #expect(coupon.kind == "coupon")
        #expect(coupon.coupon?.signature == "verified")
        #expect(coupon.coupon?.window == "expired 1970-01-01 00:03:20 UTC")
        #expect(coupon.text.contains("10% off"))

        // A forged one still shows what it claims, and why it is refused.
        let tampered = String(couponText.dropLast(2)) + (couponText.hasSuffix("AA") ? "QA" : "AA")
        let forged = ScanExplanation(tampered, interpreter: interpreter, catalog: catalog)
        #expect(forged.kind == "rejected")
        #expect(forged.coupon?.id == "X1")
        #expect(forged.error != nil)

        let weighed = ScanExplanation("2100001012342", interpreter: interpreter, catalog: catalog)
        #expect(weighed.kind == "weighed-item")
        #expect(weighed.weighed?.layout == "default")
        #expect(weighed.price == "¥12.34")
    }

    @Test func couponMakeUsesTheStoreCurrencyAndWarnsAboutForeignKeys() throws {
        var request = CouponRequest(id: "MADE-1")
        request.off = "5.00"
        request.minimumSpend = "30.00"
        request.from = "2030-01-01"
        request.until = "2030-01-31"
        let assets = CouponRedemptionTests.assets.path
        let made = try CouponMint.make(request, keyFile: nil, configFile: nil, assets: assets)
        #expect(made.warning == nil)
        let interpreter = try TestLane().setup.profile.scanInterpreter()
        guard case .coupon(let coupon) = try interpreter.interpret(made.code) else { Issue.record("not a coupon"); return }
        #expect(coupon.validFrom == 1_893_456_000)
        #expect(coupon.validUntil == 1_893_456_000 + 31 * 86_400 - 1)
        #expect(coupon.minimumSpend?.minorUnits == 3000)

        request.off = nil
        #expect(throws: KioskSetupError.self) { try CouponMint.make(request, keyFile: nil, configFile: nil, assets: assets) }
        request.percent = 101
        #expect(throws: KioskSetupError.self) { try CouponMint.make(request, keyFile: nil, configFile: nil, assets: assets) }
    }
}
