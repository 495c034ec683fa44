import Foundation
import KioskTestSupport
import Testing
import Retail

/// Pricing beyond member prices and "N for M": N for a price, mix-and-match groups, percent and
/// amount off, coupons with conditions, sales-tax-exclusive mode and the rounding rule.
@Suite struct PromotionTests {
    let rules = Fixture.rules
    let yuan = Fixture.yuan

    func item(_ body: String, _ price: String, tax: String = "A", member: String? = nil, multiBuy: String? = nil,
              offer: String? = nil, group: String? = nil) -> CatalogItem {
        CatalogItem(gtin: gtin(body), name: LocalizedName(en: "Item \(body)"), price: yuan(price),
                    memberPrice: member.map(yuan), taxCode: tax, multiBuy: multiBuy.flatMap { MultiBuy($0) },
                    offer: offer.map { try! ItemOffer.parse($0, currency: cny).get() }, group: group)
    }

    func lines(_ entries: [(CatalogItem, Int)]) -> [PricingLine] {
        entries.enumerated().map { PricingLine(id: $0.offset + 1, item: $0.element.0, quantity: $0.element.1) }
    }

    @Test func nForAPrice() throws {
        let tea = item("690000000100", "3.90", offer: "3@10.00")
        let cart = try rules.price(lines([(tea, 7)]), member: false)
        #expect(cart.subtotal == yuan("27.30"))
        // Two sets of three: 2 x (11.70 - 10.00).
        #expect(cart.discounts == [Discount(gtin: tea.gtin, taxCode: "A", promotion: "3 for ¥10.00", amount: yuan("3.40"))])
        #expect(cart.total == yuan("23.90"))
    }

    @Test func mixAndMatchMakesTheCheapestUnitsFree() throws {
        let a = item("690000000101", "5.00", multiBuy: "3for2", group: "yoghurt")
        let b = item("690000000102", "4.00", multiBuy: "3for2", group: "yoghurt")
        let c = item("690000000103", "3.00", multiBuy: "3for2", group: "yoghurt")
        let other = item("690000000104", "3.00", multiBuy: "3for2")  // same offer, no group: its own pool
        let cart = try rules.price(lines([(c, 3), (a, 2), (b, 1), (other, 2)]), member: false)
        // Dearest first: [5, 5, 4] frees the 4, [3, 3, 3] frees a 3; the lone item has only 2 units.
        #expect(cart.discounts == [
            Discount(gtin: b.gtin, taxCode: "A", promotion: "3for2 (yoghurt)", amount: yuan("4.00")),
            Discount(gtin: c.gtin, taxCode: "A", promotion: "3for2 (yoghurt)", amount: yuan("3.00")),
        ])
        #expect(cart.total == yuan("22.00"))
    }

    @Test func mixAndMatchForAPriceSharesTheSavingByPrice() throws {
        let a = item("690000000105", "4.00", tax: "A", offer: "2@6.00", group: "snacks")
        let b = item("690000000106", "3.50", tax: "B", offer: "2@6.00", group: "snacks")
        let cart = try rules.price(lines([(b, 1), (a, 1)]), member: false)
        // 7.50 - 6.00 = 1.50, split 4.00 : 3.50.
        #expect(cart.discounts == [
            Discount(gtin: a.gtin, taxCode: "A", promotion: "2 for ¥6.00 (snacks)", amount: yuan("0.80")),
            Discount(gtin: b.gtin, taxCode: "B", promotion: "2 for ¥6.00 (snacks)", amount: yuan("0.70")),
        ])
        #expect(cart.total == yuan("6.00"))
        #expect(cart.taxes.map(\.gross) == [yuan("3.20"), yuan("2.80")])
    }

    @Test func percentAndAmountOff() throws {
        let jam = item("690000000107", "3.99", offer: "15%")
        let soap = item("690000000108", "2.00", member: "1.80", offer: "0.50off")
        let cart = try rules.price(lines([(jam, 3), (soap, 4)]), member: true)
        // 15% of 11.97 = 1.7955 -> 1.80; 0.50 off each of 4.
        #expect(cart.discounts.map(\.amount) == [yuan("1.80"), yuan("2.00")])
        #expect(cart.discounts.map(\.promotion) == ["15% off", "¥0.50 off"])
        #expect(cart.total == yuan("11.97") + yuan("7.20") - yuan("3.80"))
    }

    @Test func aCouponWaitsForItsMinimumSpend() throws {
        let coupon = Coupon(id: "FIVE", value: .amountOff(yuan("5.00")), minimumSpend: yuan("30.00"), validUntil: 1)
        let rice = item("690000000110", "10.00")
        let small = try rules.price(lines([(rice, 2)]), member: false, coupons: [coupon])
        #expect(small.total == yuan("20.00"))
        #expect(small.coupons == [CouponResult(coupon: coupon, amount: yuan("0.00"), pending: .minimumSpend(missing: yuan("10.00"), minimum: yuan("30.00")))])
        #expect(small.coupons.first?.pending?.code == .minimumSpend)
        #expect(small.coupons.first?.pending?.parameters == ["missing": "¥10.00", "minimum": "¥30.00"])
        #expect(small.discounts.isEmpty)

        let enough = try rules.price(lines([(rice, 3)]), member: false, coupons: [coupon])
        #expect(enough.total == yuan("25.00"))
        #expect(enough.coupons.first?.applied == true)
        #expect(enough.discounts == [Discount(gtin: rice.gtin, taxCode: "A", promotion: "coupon FIVE", amount: yuan("5.00"))])
    }

    @Test func theMinimumSpendCountsAfterPromotions() throws {
        let coupon = Coupon(id: "MIN", value: .amountOff(yuan("1.00")), minimumSpend: yuan("20.00"), validUntil: 1)
        let milk = item("690000000111", "10.00", multiBuy: "3for2")
        // 30.00 of milk, but 3for2 brings it to 20.00: just enough.
        #expect(try rules.price(lines([(milk, 3)]), member: false, coupons: [coupon]).coupons.first?.applied == true)
        let tooLittle = Coupon(id: "MIN2", value: .amountOff(yuan("1.00")), minimumSpend: yuan("20.01"), validUntil: 1)
        #expect(try rules.price(lines([(milk, 3)]), member: false, coupons: [tooLittle]).coupons.first?.applied == false)
    }

    @Test func aCouponNeverTakesMoreThanTheCartCosts() throws {
        let coupon = Coupon(id: "BIG", value: .amountOff(yuan("100.00")), validUntil: 1)
        let cart = try rules.price(lines([(item("690000000112", "12.00"), 1)]), member: false, coupons: [coupon])
        #expect(cart.total == yuan("0.00"))
        #expect(cart.coupons.first?.amount == yuan("12.00"))
        #expect(cart.taxes.first?.tax == yuan("0.00"))
    }

    @Test func anItemCouponNeedsItsItemAndTakesOffOnlyThat() throws {
        let x = item("690000000113", "8.00")
        let y = item("690000000114", "5.00")
        let coupon = Coupon(id: "X10", value: .percentOff(10), gtins: [x.gtin], validUntil: 1)
        let without = try rules.price(lines([(y, 1)]), member: false, coupons: [coupon])
        #expect(without.coupons.first?.pending?.description == "needs one of these items in the cart: \(x.gtin.displayForm)")
        let with = try rules.price(lines([(y, 1), (x, 2)]), member: false, coupons: [coupon])
        #expect(with.discounts == [Discount(gtin: x.gtin, taxCode: "A", promotion: "coupon X10", amount: yuan("1.60"))])
        #expect(with.total == yuan("19.40"))
    }

    @Test func couponsApplyPercentFirstWhateverTheirOrder() throws {
        let amount = Coupon(id: "A", value: .amountOff(yuan("10.00")), validUntil: 1)
        let percent = Coupon(id: "B", value: .percentOff(10), validUntil: 1)
        let cart = lines([(item("690000000115", "100.00"), 1)])
        let one = try rules.price(cart, member: false, coupons: [amount, percent])
        let two = try rules.price(cart, member: false, coupons: [percent, amount])
        #expect(one == two)
        #expect(one.total == yuan("80.00"))
        #expect(one.coupons.map(\.coupon.id) == ["B", "A"])
    }

    @Test func aCartWideCouponIsSharedOverTaxRatesAndShownAsOneLine() throws {
        let coupon = Coupon(id: "ALL", value: .amountOff(yuan("10.00")), validUntil: 1)
        let cart = try rules.price(lines([(item("690000000116", "60.00", tax: "A"), 1), (item("690000000117", "40.00", tax: "B"), 1)]),
                                   member: false, coupons: [coupon])
        #expect(cart.discounts == [
            Discount(gtin: nil, taxCode: "A", promotion: "coupon ALL", amount: yuan("6.00")),
            Discount(gtin: nil, taxCode: "B", promotion: "coupon ALL", amount: yuan("4.00")),
        ])
        #expect(cart.discountSummary == [Discount(gtin: nil, taxCode: "A", promotion: "coupon ALL", amount: yuan("10.00"))])
        #expect(cart.taxes.map(\.gross) == [yuan("54.00"), yuan("36.00")])
    }

    @Test func salesTaxIsAddedOnTop() throws {
        let exclusive = PricingRules(currency: cny, taxRates: Fixture.rates, taxMode: .exclusive)
        let cart = try exclusive.price(lines([(item("690000000118", "10.00", tax: "A"), 1), (item("690000000119", "5.00", tax: "Z"), 1)]),
                                       member: false)
        #expect(cart.subtotal == yuan("15.00"))
        #expect(cart.addedTax == yuan("1.30"))
        #expect(cart.total == yuan("16.30"))
        #expect(cart.taxes.map(\.net) == [yuan("10.00"), yuan("5.00")])
        #expect(cart.taxes.map(\.tax) == [yuan("1.30"), yuan("0.00")])
        #expect(cart.taxes.map(\.gross) == [yuan("11.30"), yuan("5.00")])
        #expect(PricingRules.addedTax(on: yuan("0.05"), basisPoints: 1000) == yuan("0.01")) // 0.5 fen rounds up
    }

    @Test func roundingPerLineOrPerTotal() throws {
        let three = (1...3).map { (item("69000000012\($0)", "0.05", tax: "A"), 1) }
        let tenPercent = [TaxRate(code: "A", basisPoints: 1000, label: "10%")]
        let perTotal = PricingRules(currency: cny, taxRates: tenPercent, taxMode: .exclusive, rounding: .perTotal)
        let perLine = PricingRules(currency: cny, taxRates: tenPercent, taxMode: .exclusive, rounding: .perLine)
        // 0.15 x 10% = 1.5 fen -> 2 once; 0.5 fen -> 1 on each of three lines.
        #expect(try perTotal.price(lines(three), member: false).addedTax == yuan("0.02"))
        #expect(try perLine.price(lines(three), member: false).addedTax == yuan("0.03"))
        // VAT-inclusive, three 1.00 lines at 13%: 0.35 on the total, 3 x 0.12 per line.
        let vat = (1...3).map { (item("69000000013\($0)", "1.00"), 1) }
        let vatPerLine = PricingRules(currency: cny, taxRates: Fixture.rates, rounding: .perLine)
        #expect(try rules.price(lines(vat), member: false).taxes.first?.tax == yuan("0.35"))
        #expect(try vatPerLine.price(lines(vat), member: false).taxes.first?.tax == yuan("0.36"))
    }

    @Test func salesRecordedBeforeCouponsStillDecode() throws {
        let json = """
            {"lines":[],"discounts":[{"gtin":{"digits":"06900000000014"},"taxCode":"A","promotion":"3for2","amount":{"minorUnits":100,"currency":{"code":"CNY","minorDigits":2}}}],
             "subtotal":{"minorUnits":0,"currency":{"code":"CNY","minorDigits":2}},"total":{"minorUnits":0,"currency":{"code":"CNY","minorDigits":2}},
             "taxes":[],"itemCount":0}
            """
        let cart = try JSONDecoder().decode(PricedCart.self, from: Data(json.utf8))
        #expect(cart.coupons.isEmpty)
        #expect(cart.addedTax == yuan("0.00"))
        #expect(cart.taxMode == .inclusive)
        #expect(cart.discounts.first?.gtin == gtin("690000000001"))
    }
}

@Suite struct CatalogOfferColumnTests {
    let csv = CatalogCSV(currency: cny, taxCodes: ["A", "B"])
    let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing,offer,group\n"

    @Test func offersAndGroupsAreRead() throws {
        let result = try csv.read(header + """
            6900000000014,Tea,,3.90,,A,,,,3@10.00,
            6900000000021,Jam,,3.99,,A,,,,15%,
            6900000000038,Soap,,2.00,,A,,,,0.50off,
            6900000000045,Yoghurt,,5.00,,A,,3for2,,,yoghurt
            2100001000004,Apples,,15.80,,B,,,embedded-price,10%,
            """)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.items.map(\.offer) == [.forPrice(quantity: 3, price: Fixture.yuan("10.00")), .percentOff(15),
                                             .amountOff(Fixture.yuan("0.50")), nil, .percentOff(10)])
        #expect(result.items[3].group == "yoghurt")
    }

    @Test(arguments: [
        ("6900000000014,Tea,,3.90,,A,,3for2,,15%,", "offer", "one promotion per item"),
        ("6900000000014,Tea,,3.90,,A,,,,15%,teas", "group", "needs a multibuy or an N@price offer"),
        ("6900000000014,Tea,,3.90,,A,,,,3@12.00,", "offer", "is not cheaper than 3 x 3.90"),
        ("6900000000014,Tea,,3.90,,A,,,,4.00off,", "offer", "4.00 off is not less than price 3.90"),
        ("6900000000014,Tea,,3.90,,A,,,,1@1.00,", "offer", "the quantity before @ must be 2 to 100"),
        ("6900000000014,Tea,,3.90,,A,,,,100%,", "offer", "percent off must be 1 to 99"),
        ("6900000000014,Tea,,3.90,,A,,,,cheap,", "offer", "is not an offer like 3@10.00, 15% or 2.00off"),
        ("6900000000014,Tea,,3.90,,A,,3for2,,,my group", "group", "is not a group name"),
        ("2100001000004,Apples,,15.80,,B,,,embedded-price,2@20.00,", "offer", "only a percent off applies"),
    ])
    func badOffersAreReportedByColumn(row: String, column: String, message: String) throws {
        let result = try csv.read(header + row + "\n")
        #expect(result.items.isEmpty)
        #expect(result.errors.contains { $0.column == column && $0.message.contains(message) }, "\(result.errors)")
    }

    @Test func filesWithoutTheNewColumnsStayValid() throws {
        let result = try csv.read("gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n6900000000014,Tea,,3.90,,A,,,\n")
        #expect(result.items.count == 1)
        #expect(result.items[0].offer == nil && result.items[0].group == nil)
    }
}
