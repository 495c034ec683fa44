import KioskTestSupport
import PropertyBased
import Testing
import Retail

/// Properties of check digits and of pricing, over generated inputs (x-sheep/swift-property-based;
/// a failure prints the seed to reproduce it with `.fixedSeed`).
@Suite struct CheckDigitPropertyTests {
    static let body = Gen.int(in: 0...9).array(of: 12)

    @Test func anAppendedCheckDigitMakesAValidGTINAndAnyOneWrongDigitAnInvalidOne() async {
        await propertyCheck(count: 500, input: Self.body, Gen.int(in: 0...12), Gen.int(in: 1...9)) { digits, position, delta in
            let text = GTIN.appendingCheckDigit(digits.map(String.init).joined())
            #expect((try? GTIN(text)) != nil)
            var wrong = Array(text.utf8)
            wrong[position] = UInt8(48 + (Int(wrong[position]) - 48 + delta) % 10)
            #expect((try? GTIN(String(decoding: wrong, as: UTF8.self))) == nil, "\(text) with digit \(position) changed")
        }
    }

    @Test func twoAdjacentDifferentDigitsSwappedAreCaughtUnlessTheyDifferByFive() async {
        await propertyCheck(count: 500, input: Self.body, Gen.int(in: 0...11)) { digits, position in
            let text = Array(GTIN.appendingCheckDigit(digits.map(String.init).joined()).utf8)
            var swapped = text
            swapped.swapAt(position, position + 1)
            let differ = text[position] != text[position + 1]
            let byFive = abs(Int(text[position]) - Int(text[position + 1])) == 5
            let valid = (try? GTIN(String(decoding: swapped, as: UTF8.self))) != nil
            #expect(valid == (!differ || byFive))
        }
    }

    @Test func thePriceCheckDigitCatchesEverySingleDigitError() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...9).array(of: 4...5), Gen.int(in: 0...4), Gen.int(in: 1...9)) { digits, at, delta in
            let position = at % digits.count
            var wrong = digits
            wrong[position] = (wrong[position] + delta) % 10
            #expect(PriceCheckDigit.compute(wrong) != PriceCheckDigit.compute(digits))
        }
    }

    @Test func inStoreCodesOfEveryPresetReadBackTheirValue() async {
        let layouts: [VariableMeasureLayout] = [.default, .de, .uk, .cn]
        await propertyCheck(count: 500, input: Gen.int(in: 0..<4), Gen.int(in: 0..<100), Gen.int(in: 0...99_999), Gen.int(in: 0...999_999)) {
            which, ruleIndex, value, item in
            let layout = layouts[which]
            let rule = layout.rules[ruleIndex % layout.rules.count]
            let itemText = String(item % Int(pow10(rule.itemDigits)))
            let body = rule.prefix + String(repeating: "0", count: rule.itemDigits - itemText.count) + itemText
                + (rule.priceCheckDigit ? "0" : "") + String(repeating: "0", count: rule.valueDigits)
            let key = try! GTIN(GTIN.appendingCheckDigit(String(body.suffix(12))))
            let fitted = Int64(value) % pow10(rule.valueDigits)
            guard let code = layout.code(key: key, value: fitted) else { Issue.record("no code for \(key)"); return }
            let scanner = ScanInterpreter(currency: cny, layout: layout)
            switch try? scanner.interpret(code) {
            case .embeddedPrice(let k, let price)?:
                #expect(rule.measure == .price && k == key && price.minorUnits == fitted)
            case .embeddedWeight(let k, let grams)?:
                #expect(rule.measure == .weight && k == key && grams == fitted)
            default:
                Issue.record("\(code) (layout \(layout.name)) did not read back")
            }
        }
    }
}

func pow10(_ n: Int) -> Int64 { (0..<n).reduce(Int64(1)) { r, _ in r * 10 } }

/// A random cart and coupons built from plain numbers, so the property library can shrink them.
struct CartRecipe: CustomStringConvertible {
    let lines: [PricingLine]
    let coupons: [Coupon]
    let member: Bool

    static let items: [CatalogItem] = {
        func gtin(_ n: Int) -> GTIN { KioskTestSupport.gtin("6900000" + String(10_000 + n).suffix(5)) }
        let y = Fixture.yuan
        return [
            CatalogItem(gtin: gtin(1), name: LocalizedName(en: "plain"), price: y("3.50"), taxCode: "A"),
            CatalogItem(gtin: gtin(2), name: LocalizedName(en: "member"), price: y("13.50"), memberPrice: y("11.90"), taxCode: "B"),
            CatalogItem(gtin: gtin(3), name: LocalizedName(en: "3for2"), price: y("2.90"), taxCode: "Z",
                        multiBuy: MultiBuy(quantity: 3, payFor: 2)),
            CatalogItem(gtin: gtin(4), name: LocalizedName(en: "3@10"), price: y("3.99"), taxCode: "A",
                        offer: .forPrice(quantity: 3, price: y("10.00"))),
            CatalogItem(gtin: gtin(5), name: LocalizedName(en: "15%"), price: y("7.77"), taxCode: "B", offer: .percentOff(15)),
            CatalogItem(gtin: gtin(6), name: LocalizedName(en: "off"), price: y("1.99"), memberPrice: y("1.49"), taxCode: "A",
                        offer: .amountOff(y("0.60"))),
            CatalogItem(gtin: gtin(7), name: LocalizedName(en: "group a"), price: y("5.00"), taxCode: "A",
                        multiBuy: MultiBuy(quantity: 4, payFor: 3), group: "g"),
            CatalogItem(gtin: gtin(8), name: LocalizedName(en: "group b"), price: y("4.20"), taxCode: "B",
                        multiBuy: MultiBuy(quantity: 4, payFor: 3), group: "g"),
            CatalogItem(gtin: gtin(9), name: LocalizedName(en: "pair a"), price: y("6.00"), taxCode: "A",
                        offer: .forPrice(quantity: 2, price: y("9.99")), group: "p"),
            CatalogItem(gtin: gtin(10), name: LocalizedName(en: "pair b"), price: y("5.55"), taxCode: "Z",
                        offer: .forPrice(quantity: 2, price: y("9.99")), group: "p"),
            CatalogItem(gtin: gtin(11), name: LocalizedName(en: "weighed"), price: y("15.80"), taxCode: "B",
                        pricing: .embeddedPrice, offer: .percentOff(20)),
            CatalogItem(gtin: gtin(12), name: LocalizedName(en: "weighed 2"), price: y("8.98"), taxCode: "Z", pricing: .embeddedPrice),
        ]
    }()

    /// Each number picks an item and a quantity (or, for weighed items, a price).
    init(lineNumbers: [Int], couponNumbers: [Int], member: Bool) {
        var lines: [PricingLine] = []
        for (i, n) in lineNumbers.enumerated() {
            let item = Self.items[n % Self.items.count]
            if item.pricing == .embeddedPrice {
                lines.append(PricingLine(id: i + 1, item: item, quantity: 1,
                                         embeddedPrice: Money(minorUnits: Int64(1 + n / 12 % 5000), currency: cny)))
            } else {
                lines.append(PricingLine(id: i + 1, item: item, quantity: 1 + n / 12 % 9))
            }
        }
        self.lines = lines
        coupons = couponNumbers.enumerated().map { i, n in
            let value: CouponValue = n % 2 == 0 ? .percentOff(1 + n / 2 % 100) : .amountOff(Money(minorUnits: Int64(n / 2 % 20_000), currency: cny))
            let minimum = n % 3 == 0 ? Money(minorUnits: Int64(n % 5000), currency: cny) : nil
            let gtins = n % 5 == 0 ? [Self.items[n / 5 % Self.items.count].gtin] : []
            return Coupon(id: "C\(i)", value: value, minimumSpend: minimum, gtins: gtins, validUntil: 1)
        }
        self.member = member
    }

    init(lines: [PricingLine], coupons: [Coupon], member: Bool) {
        self.lines = lines
        self.coupons = coupons
        self.member = member
    }

    var description: String {
        "lines " + lines.map { "\($0.item.name.en)x\($0.quantity)\($0.embeddedPrice.map { "@\($0)" } ?? "")" }.joined(separator: ", ")
            + "; coupons " + coupons.map { "\($0.id) \($0)" }.joined(separator: "; ") + (member ? "; member" : "")
    }
}

@Suite struct PricingPropertyTests {
    static let allRules: [PricingRules] = [TaxMode.inclusive, .exclusive].flatMap { mode in
        [TaxRounding.perTotal, .perLine].map { PricingRules(currency: cny, taxRates: Fixture.rates, taxMode: mode, rounding: $0) }
    }
    static let lineNumbers = Gen.int(in: 0...1_000_000).array(of: 0...14)
    static let couponNumbers = Gen.int(in: 0...1_000_000).array(of: 0...4)

    func sum(_ amounts: [Money]) -> Int64 { amounts.reduce(0) { $0 + $1.minorUnits } }

    @Test func totalIsLinesMinusDiscountsPlusExclusiveTaxAndNeverNegative() async throws {
        await propertyCheck(count: 300, input: Self.lineNumbers, Self.couponNumbers, Gen.bool, Gen.int(in: 0...3)) { l, c, member, r in
            let recipe = CartRecipe(lineNumbers: l, couponNumbers: c, member: member)
            let rules = Self.allRules[r]
            guard let cart = try? rules.price(recipe.lines, member: member, coupons: recipe.coupons) else {
                Issue.record("pricing threw for \(recipe)")
                return
            }
            #expect(cart.subtotal.minorUnits == sum(cart.lines.map(\.amount)), "\(recipe)")
            #expect(cart.total.minorUnits == cart.subtotal.minorUnits - sum(cart.discounts.map(\.amount)) + cart.addedTax.minorUnits,
                    "\(recipe)")
            #expect(cart.total.minorUnits >= 0, "\(recipe)")
            #expect(cart.discounts.allSatisfy { $0.amount.minorUnits > 0 }, "\(recipe)")
            #expect(cart.taxes.allSatisfy { $0.tax.minorUnits >= 0 && $0.net.minorUnits >= 0 }, "\(recipe)")
            // The tax table adds up to what was paid for goods.
            #expect(sum(cart.taxes.map(\.gross)) == cart.total.minorUnits, "\(recipe)")
            if rules.taxMode == .exclusive {
                #expect(sum(cart.taxes.map(\.tax)) == cart.addedTax.minorUnits, "\(recipe)")
            } else {
                #expect(cart.addedTax.minorUnits == 0)
            }
            // Applied coupons took exactly their discount lines; pending ones nothing.
            for result in cart.coupons {
                let taken = sum(cart.discounts.filter { $0.promotion == result.coupon.promotion }.map(\.amount))
                #expect(taken == result.amount.minorUnits, "\(recipe)")
                #expect(result.applied == (result.amount.minorUnits > 0), "\(recipe)")
            }
        }
    }

    @Test func anyScanOrderGivesTheSameTotal() async throws {
        await propertyCheck(count: 300, input: Self.lineNumbers, Self.couponNumbers, Gen.bool, Gen.int(in: 0...3), Gen.int(in: 0...1_000_000)) {
            l, c, member, r, seed in
            let recipe = CartRecipe(lineNumbers: l, couponNumbers: c, member: member)
            let rules = Self.allRules[r]
            var generator = SplitMix64(seed: UInt64(seed))
            let shuffledLines = recipe.lines.shuffled(using: &generator)
            let shuffledCoupons = recipe.coupons.shuffled(using: &generator)
            guard let a = try? rules.price(recipe.lines, member: member, coupons: recipe.coupons),
                  let b = try? rules.price(shuffledLines, member: member, coupons: shuffledCoupons) else {
                Issue.record("pricing threw for \(recipe)")
                return
            }
            #expect(a.total == b.total, "\(recipe)")
            #expect(a.taxes == b.taxes, "\(recipe)")
            #expect(a.discounts == b.discounts, "\(recipe)")
            #expect(a.coupons == b.coupons, "\(recipe)")
            #expect(Set(a.lines) == Set(b.lines), "\(recipe)")
        }
    }

    /// Scanning one unit at a time (a line per unit) or all at once prices the same, when tax is
    /// rounded on the total (per-line rounding rounds each line by definition).
    @Test func splittingALineChangesNothing() async throws {
        await propertyCheck(count: 200, input: Self.lineNumbers, Self.couponNumbers, Gen.bool, Gen.bool) { l, c, member, exclusive in
            let recipe = CartRecipe(lineNumbers: l, couponNumbers: c, member: member)
            var split: [PricingLine] = []
            for line in recipe.lines {
                if line.embeddedPrice != nil || line.quantity == 1 {
                    split.append(PricingLine(id: split.count + 1, item: line.item, quantity: line.quantity, embeddedPrice: line.embeddedPrice))
                } else {
                    split.append(PricingLine(id: split.count + 1, item: line.item, quantity: 1))
                    split.append(PricingLine(id: split.count + 1, item: line.item, quantity: line.quantity - 1))
                }
            }
            let rules = PricingRules(currency: cny, taxRates: Fixture.rates, taxMode: exclusive ? .exclusive : .inclusive)
            guard let a = try? rules.price(recipe.lines, member: member, coupons: recipe.coupons),
                  let b = try? rules.price(split, member: member, coupons: recipe.coupons) else {
                Issue.record("pricing threw for \(recipe)")
                return
            }
            #expect(a.total == b.total, "\(recipe)")
            #expect(a.discounts == b.discounts, "\(recipe)")
            #expect(a.taxes == b.taxes, "\(recipe)")
        }
    }

    @Test func aCouponNeverMakesATotalNegativeNorRaisesIt() async throws {
        await propertyCheck(count: 300, input: Self.lineNumbers, Self.couponNumbers, Gen.bool, Gen.int(in: 0...3)) { l, c, member, r in
            let recipe = CartRecipe(lineNumbers: l, couponNumbers: c, member: member)
            let rules = Self.allRules[r]
            guard let without = try? rules.price(recipe.lines, member: member),
                  let with = try? rules.price(recipe.lines, member: member, coupons: recipe.coupons) else {
                Issue.record("pricing threw for \(recipe)")
                return
            }
            #expect(with.total.minorUnits >= 0, "\(recipe)")
            #expect(with.total <= without.total, "\(recipe)")
            // Coupons only take from what promotions left: subtotal and promotions are unchanged.
            #expect(with.subtotal == without.subtotal)
            #expect(with.discounts.filter { !$0.promotion.hasPrefix("coupon ") } == without.discounts, "\(recipe)")
            // Prices include tax: nothing is added, so the coupons' amounts are the whole difference.
            if rules.taxMode == .inclusive {
                #expect(without.total.minorUnits - with.total.minorUnits == sum(with.coupons.map(\.amount)), "\(recipe)")
            }
        }
    }

    /// A huge coupon on a random cart: the total goes to zero, not below.
    @Test func anOversizedCouponStopsAtZero() async throws {
        await propertyCheck(count: 200, input: Self.lineNumbers, Gen.bool) { l, member in
            let recipe = CartRecipe(lineNumbers: l, couponNumbers: [], member: member)
            let huge = Coupon(id: "HUGE", value: .amountOff(Money(minorUnits: Money.limit, currency: cny)), validUntil: 1)
            let all = Coupon(id: "ALL", value: .percentOff(100), validUntil: 1)
            for rules in Self.allRules {
                guard let cart = try? rules.price(recipe.lines, member: member, coupons: [huge, all]) else {
                    Issue.record("pricing threw for \(recipe)")
                    return
                }
                #expect(cart.total.minorUnits == 0, "\(recipe)")
                #expect(cart.taxes.allSatisfy { $0.tax.minorUnits == 0 }, "\(recipe)")
            }
        }
    }
}
