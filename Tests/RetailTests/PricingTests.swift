import KioskTestSupport
import Testing
import Retail

@Suite struct PricingTests {
    let rules = Fixture.rules
    let yuan = Fixture.yuan

    @Test func taxIncludedIn113At13PercentIs13() {
        #expect(PricingRules.includedTax(in: yuan("113.00"), basisPoints: 1300) == yuan("13.00"))
        #expect(PricingRules.includedTax(in: yuan("109.00"), basisPoints: 900) == yuan("9.00"))
        #expect(PricingRules.includedTax(in: yuan("50.00"), basisPoints: 0) == yuan("0.00"))
    }

    @Test func taxRoundsHalfAwayFromZero() {
        // 100% rate: half of the gross is tax; one fen splits into exactly half a fen.
        #expect(PricingRules.includedTax(in: Money(minorUnits: 1, currency: cny), basisPoints: 10_000).minorUnits == 1)
        #expect(PricingRules.includedTax(in: Money(minorUnits: -1, currency: cny), basisPoints: 10_000).minorUnits == -1)
        // 1.00 at 13% holds 11.504 fen -> 12; at 9% 8.257 fen -> 8.
        #expect(PricingRules.includedTax(in: yuan("1.00"), basisPoints: 1300) == yuan("0.12"))
        #expect(PricingRules.includedTax(in: yuan("1.00"), basisPoints: 900) == yuan("0.08"))
        #expect(PricingRules.includedTax(in: yuan("-1.00"), basisPoints: 1300) == yuan("-0.12"))
    }

    @Test func roundsOncePerRateNotPerLine() throws {
        // Three 1.00 lines at 13%: per line 3 x 0.12 = 0.36, but the rate's 3.00 holds 34.51 fen -> 0.35.
        let lines = (1...3).map { PricingLine(id: $0, item: Fixture.item("69000000000\($0)", price: "1.00"), quantity: 1) }
        let cart = try rules.price(lines, member: false)
        #expect(cart.taxes.count == 1)
        #expect(cart.taxes[0].gross == yuan("3.00"))
        #expect(cart.taxes[0].tax == yuan("0.35"))
        #expect(cart.taxes[0].net == yuan("2.65"))
    }

    @Test func taxPerRate() throws {
        let lines = [
            PricingLine(id: 1, item: Fixture.item("690000000001", price: "113.00", tax: "A"), quantity: 1),
            PricingLine(id: 2, item: Fixture.item("690000000002", price: "10.90", tax: "B"), quantity: 2),
            PricingLine(id: 3, item: Fixture.item("690000000003", price: "4.50", tax: "Z"), quantity: 1),
        ]
        let cart = try rules.price(lines, member: false)
        #expect(cart.total == yuan("139.30"))
        #expect(cart.taxes.map(\.rate.code) == ["A", "B", "Z"])
        #expect(cart.taxes.map(\.gross) == [yuan("113.00"), yuan("21.80"), yuan("4.50")])
        #expect(cart.taxes.map(\.tax) == [yuan("13.00"), yuan("1.80"), yuan("0.00")])
        #expect(cart.itemCount == 4)
    }

    @Test func threeForTwoAcrossTwoLinesOfOneGTIN() throws {
        let crisps = Fixture.item("690000000010", price: "7.90", multiBuy: "3for2")
        let lines = [
            PricingLine(id: 1, item: crisps, quantity: 2),
            PricingLine(id: 2, item: Fixture.item("690000000011", price: "1.00"), quantity: 1),
            PricingLine(id: 3, item: crisps, quantity: 1),
        ]
        let cart = try rules.price(lines, member: false)
        #expect(cart.subtotal == yuan("24.70"))
        #expect(cart.discounts == [Discount(gtin: crisps.gtin, taxCode: "A", promotion: "3for2", amount: yuan("7.90"))])
        #expect(cart.total == yuan("16.80"))
        #expect(cart.discountTotal == yuan("7.90"))
        // The discount lowers the taxed amount too.
        #expect(cart.taxes.first?.gross == yuan("16.80"))
    }

    @Test(arguments: [(2, 0), (3, 1), (5, 1), (6, 2), (7, 2)])
    func threeForTwoCountsFreeUnits(units: Int, free: Int) throws {
        let item = Fixture.item("690000000010", price: "2.00", multiBuy: "3for2")
        let cart = try rules.price([PricingLine(id: 1, item: item, quantity: units)], member: false)
        #expect(cart.discountTotal == yuan("2.00") * free)
    }

    @Test func memberPriceOnlyForMembers() throws {
        let milk = Fixture.item("690000000020", price: "13.50", member: "11.90", tax: "B")
        let lines = [PricingLine(id: 1, item: milk, quantity: 2)]

        let guest = try rules.price(lines, member: false)
        #expect(guest.lines[0].unitPrice == yuan("13.50"))
        #expect(guest.lines[0].memberSaving == yuan("0.00"))
        #expect(guest.total == yuan("27.00"))

        let member = try rules.price(lines, member: true)
        #expect(member.lines[0].unitPrice == yuan("11.90"))
        #expect(member.lines[0].memberSaving == yuan("3.20"))
        #expect(member.total == yuan("23.80"))
    }

    @Test func multiBuyUsesTheMemberPrice() throws {
        let item = Fixture.item("690000000030", price: "3.00", member: "2.50", multiBuy: "2for1")
        let cart = try rules.price([PricingLine(id: 1, item: item, quantity: 2)], member: true)
        #expect(cart.subtotal == yuan("5.00"))
        #expect(cart.total == yuan("2.50"))
    }

    @Test func embeddedPriceLineChargesThePriceInTheCode() throws {
        let apples = Fixture.item("210000100000", price: "15.80", tax: "B", pricing: .embeddedPrice)
        let cart = try rules.price([PricingLine(id: 1, item: apples, quantity: 1, embeddedPrice: yuan("12.34"))], member: true)
        #expect(cart.lines[0].amount == yuan("12.34"))
        #expect(cart.total == yuan("12.34"))
        #expect(cart.taxes[0].tax == yuan("1.02"))  // 1234 * 9 / 109 = 101.9
        #expect(cart.itemCount == 1)
    }

    @Test func unknownTaxCodeAndForeignCurrencyAreErrors() {
        let odd = Fixture.item("690000000040", price: "1.00", tax: "Q")
        #expect(throws: PricingError.unknownTaxCode("Q", gtin: odd.gtin)) {
            try rules.price([PricingLine(id: 1, item: odd, quantity: 1)], member: false)
        }
        let euro = Currency(code: "EUR", minorDigits: 2)
        let foreign = CatalogItem(gtin: gtin("690000000041"), name: LocalizedName(en: "x"),
                                  price: Fixture.yuan("2.00"), memberPrice: Money(minorUnits: 100, currency: euro), taxCode: "A")
        #expect(throws: PricingError.currencyMismatch(foreign.gtin)) {
            try rules.price([PricingLine(id: 1, item: foreign, quantity: 1)], member: true)
        }
    }

    @Test func emptyCartIsZero() throws {
        let cart = try rules.price([], member: false)
        #expect(cart.total == yuan("0"))
        #expect(cart.taxes.isEmpty)
        #expect(cart.itemCount == 0)
    }

    @Test func resultDoesNotDependOnLineOrder() throws {
        let crisps = Fixture.item("690000000010", price: "7.90", multiBuy: "3for2")
        let tea = Fixture.item("690000000050", price: "3.50", member: "3.00", multiBuy: "4for3")
        let rice = Fixture.item("690000000060", price: "49.90", member: "45.90", tax: "B")
        let carrots = Fixture.item("690000000070", price: "3.33", tax: "Z")
        let beef = Fixture.item("210000900000", price: "89.00", tax: "B", pricing: .embeddedPrice)
        let lines = [
            PricingLine(id: 1, item: crisps, quantity: 2), PricingLine(id: 2, item: tea, quantity: 3),
            PricingLine(id: 3, item: rice, quantity: 1), PricingLine(id: 4, item: crisps, quantity: 2),
            PricingLine(id: 5, item: carrots, quantity: 3), PricingLine(id: 6, item: tea, quantity: 2),
            PricingLine(id: 7, item: beef, quantity: 1, embeddedPrice: yuan("23.45")),
            PricingLine(id: 8, item: crisps, quantity: 1),
        ]
        for member in [false, true] {
            let reference = try rules.price(lines, member: member)
            #expect(reference.discounts.count == 2)
            var generator = SplitMix64(seed: member ? 7 : 11)
            for _ in 0..<50 {
                let cart = try rules.price(lines.shuffled(using: &generator), member: member)
                #expect(cart.total == reference.total)
                #expect(cart.subtotal == reference.subtotal)
                #expect(cart.taxes == reference.taxes)
                #expect(cart.discounts == reference.discounts)
                #expect(cart.itemCount == reference.itemCount)
                #expect(cart.lines.sorted { $0.id < $1.id } == reference.lines.sorted { $0.id < $1.id })
            }
        }
    }
}
