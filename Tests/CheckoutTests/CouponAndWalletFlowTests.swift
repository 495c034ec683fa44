import PropertyBased
import Testing
import Checkout
import KioskTestSupport
import Retail

@Suite struct WalletFlowTests {
    @Test func aWalletCodeWhileShoppingPaysTheCartWithIt() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (scan(Items.milk), 2000)])
        let attempt = PaymentAttempt(id: "L1-1000-P1", amount: yuan(1550), wallet: walletCode)
        h.step(.walletCodeScanned(walletCode), at: 3000, effects: [.requestPayment(attempt)]) {
            $0.phase = .paying(attempt)
            $0.paymentAttempts = 1
            $0.lastActivity = 3000
        }
        #expect(attempt.wallet?.authCode == "134567890123456789")  // handed to the gateway in memory
        // The wallet answers like a terminal; the sale records the wallet.
        let effects = lane.apply(&h.state, .paymentFinished(attemptID: attempt.id, .approved(reference: "W1", tender: "wechat-pay")), at: 4000)
        guard case .success(let done) = effects, done.count == 3, case .recordSale(let sale) = done[1] else {
            Issue.record("no sale: \(effects)")
            return
        }
        #expect(done[0] == .resolveAttempt(id: attempt.id, .approved, reference: "W1"))
        #expect(sale.attempt.wallet == walletCode)
        #expect(sale.tender == "wechat-pay")
    }

    @Test func aWalletCodeOnAnEmptyCartOrDuringPaymentIsRefused() {
        var h = Harness()
        h.refused(.walletCodeScanned(walletCode), at: 1000, code: "empty-cart")
        h.run([(.memberCardScanned(memberCard), 1000)])
        h.refused(.walletCodeScanned(walletCode), at: 2000, code: "empty-cart")
        h.run([(scan(Items.apple), 3000), (.payRequested, 4000)])
        h.refused(.walletCodeScanned(walletCode), at: 5000, code: "payment-in-progress")

        var state = LaneState()
        let effects = lane.apply(&state, .walletCodeScanned(walletCode), at: 1)
        guard case .failure(let refusal) = effects else { Issue.record("not refused"); return }
        #expect(refusal.message.contains("scan your items first"))
    }

    @Test func aFreeCartIsNotPaidByWallet() {
        var h = Harness()
        h.run([(scan(Items.freebie), 1000)])
        h.refused(.walletCodeScanned(walletCode), at: 2000, code: "nothing-to-pay")
    }
}

@Suite struct CouponFlowTests {
    func make(_ id: String, _ value: CouponValue, minimum: Int64? = nil, from: Int64? = 0, until: Int64 = 1_000_000) -> Coupon {
        Coupon(id: id, value: value, minimumSpend: minimum.map(yuan), validFrom: from, validUntil: until)
    }

    @Test func aCouponFirstStartsASessionAndWaitsForItsConditions() {
        var h = Harness()
        let fiveOff = make("FIVE", .amountOff(yuan(500)), minimum: 2000)
        h.step(.couponScanned(fiveOff), at: 1000) {
            $0.phase = .shopping
            $0.sessionID = "L1-1000"
            $0.coupons = [fiveOff]
            $0.notice = .couponAdded(id: "FIVE")
            $0.lastActivity = 1000
        }
        #expect(lane.priced(h.state).coupons.first?.pending == .emptyCart)
        h.run([(scan(Items.apple), 2000)])  // 3.50
        #expect(lane.priced(h.state).coupons.first?.pending?.description == "spend ¥16.50 more (minimum spend ¥20.00)")
        h.run([(.removeLine(id: 1), 2500), (scan(Items.milk), 3000), (scan(Items.milk), 3500)])  // 24.00
        let priced = lane.priced(h.state)
        #expect(priced.coupons.first?.applied == true)
        #expect(priced.total == yuan(1900))

        // Paid: the sale carries the applied coupon (the journal redeems it with the sale).
        h.run([(.payRequested, 4000), (.paymentFinished(attemptID: "L1-1000-P1", .approved(reference: "R", tender: "card")), 5000)])
        #expect(h.state.lastSale?.priced.coupons.map(\.coupon.id) == ["FIVE"])
        #expect(h.state.lastSale?.attempt.amount == yuan(1900))
    }

    @Test func theSameCouponTwiceInACartIsRefused() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (.couponScanned(coupon), 2000)])
        h.refused(.couponScanned(coupon), at: 3000, code: "coupon-already-applied")
    }

    @Test func theValidityWindowIsCheckedAtScanTime() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000)])
        // Valid 10 s to 20 s (Unix seconds); the clock is in ms.
        let window = make("W", .percentOff(10), from: 10, until: 20)
        h.refused(.couponScanned(window), at: 9_999, code: "coupon-not-yet-valid")
        h.refused(.couponScanned(window), at: 21_000, code: "coupon-expired")
        h.step(.couponScanned(window), at: 20_999) {
            $0.coupons = [window]
            $0.notice = .couponAdded(id: "W")
            $0.lastActivity = 20_999
        }
    }

    @Test func couponsInAnotherCurrencyOrPastTheLimitAreRefused() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000)])
        let dollars = Coupon(id: "USD", value: .amountOff(Money(minorUnits: 100, currency: usd)), validUntil: 1_000_000)
        h.refused(.couponScanned(dollars), at: 2000, code: "bad-coupon")
        for n in 0..<10 { h.run([(.couponScanned(self.make("C\(n)", .percentOff(1))), 3000 + Int64(n))]) }
        #expect(h.state.coupons.count == 10)
        h.refused(.couponScanned(self.make("C10", .percentOff(1))), at: 4000, code: "coupon-limit")
    }

    @Test func aCancelledCartTakesItsCouponsWithIt() {
        var h = Harness()
        h.run([(.couponScanned(coupon), 1000), (.cancelRequested, 2000)])
        #expect(h.state.coupons.isEmpty)
        #expect(h.state.phase == .idle)
    }

    @Test func duringPaymentAndAttendanceCouponsWait() {
        var h = Harness()
        h.run([(scan(Items.apple), 1000), (.payRequested, 2000)])
        h.refused(.couponScanned(coupon), at: 3000, code: "payment-in-progress")
        var a = Harness()
        a.run([(scan(Items.beer), 1000)])
        a.refused(.couponScanned(coupon), at: 2000, code: "waiting-for-staff")
    }
}

/// Through the reducer: scanning the same items in any order gives the same total.
@Suite struct ScanOrderPropertyTests {
    static let shelf: [CatalogItem] = [Items.apple, Items.milk, Items.lighter, Items.bananas]

    @Test func anyScanOrderGivesTheSameTotal() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...10_000).array(of: 1...12), Gen.int(in: 0...1_000_000), Gen.bool) {
            picks, seed, member in
            // Weighed items keep their own line and price; unit items add up on one line.
            let events: [LaneEvent] = picks.map { n in
                let item = Self.shelf[n % Self.shelf.count]
                return item.pricing == .embeddedPrice ? weigh(item, Int64(100 + n % 900)) : scan(item)
            }
            var generator = SplitMix64(seed: UInt64(seed))
            let shuffled = events.shuffled(using: &generator)
            // Limits out of the way: they refuse scans by position, which is not what this is about.
            let lane = Lane(config: LaneConfig(laneID: "L1", pricing: storeRules))
            func run(_ events: [LaneEvent]) -> PricedCart {
                var state = LaneState()
                var now: Timestamp = 1000
                if member { _ = lane.apply(&state, .memberCardScanned(memberCard), at: now) }
                _ = lane.apply(&state, .couponScanned(coupon), at: now)
                for event in events {
                    now += 1000
                    _ = lane.apply(&state, event, at: now)
                    // The lighter needs an age check; staff approve at once.
                    if case .attendantNeeded = state.phase { _ = lane.apply(&state, .staffApproved(staffID: "S"), at: now) }
                }
                return lane.priced(state)
            }
            let a = run(events), b = run(shuffled)
            #expect(a.total == b.total)
            #expect(a.discounts == b.discounts)
            #expect(a.taxes == b.taxes)
            #expect(a.itemCount == b.itemCount)
        }
    }
}
