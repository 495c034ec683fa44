import KioskTestSupport
import Testing
import Receipts
import Retail

@Suite struct TextRendererTests {
    @Test func fullReceiptAt58mm() {
        let expected = """
                      Fresh Market
                        鲜果超市
               88 Example Road, Shanghai
                    上海市示例路88号
            --------------------------------
            Fuji Apple
            富士苹果
              2 x ¥3.50                ¥7.00
            Bananas
            香蕉
              0.532 kg                 ¥3.72
            Organic Extra Virgin Olive Oil
            500ml                     ¥89.00
            Milk                      ¥12.50
            牛奶
            Member price              -¥1.50
            --------------------------------
            Subtotal                 ¥110.72
            TOTAL                    ¥110.72
            --------------------------------
            Rate         Gross    Tax    Net
            VAT 9%      ¥21.72  ¥1.79 ¥19.93
            VAT 13%     ¥89.00 ¥10.24 ¥78.76
            --------------------------------
            WeChat Pay               ¥110.72
            Ref 4200001234202503140912345678
            Member             *********5678
            Sale                  L03-000127
            Time            2025-03-14 09:26
            Code                3f9a1c07e2b4
            --------------------------------
                Thank you for shopping!
                 谢谢惠顾，欢迎再次光临

            """
        #expect(TextRenderer.render(Sample.full, profile: .generic58mm) == expected)
    }

    @Test func fullReceiptAt80mm() {
        let expected = """
                              Fresh Market
                                鲜果超市
                       88 Example Road, Shanghai
                            上海市示例路88号
            ------------------------------------------------
            Fuji Apple
            富士苹果
              2 x ¥3.50                                ¥7.00
            Bananas
            香蕉
              0.532 kg                                 ¥3.72
            Organic Extra Virgin Olive Oil 500ml      ¥89.00
            Milk                                      ¥12.50
            牛奶
            Member price                              -¥1.50
            ------------------------------------------------
            Subtotal                                 ¥110.72
            TOTAL                                    ¥110.72
            ------------------------------------------------
            Rate                         Gross    Tax    Net
            VAT 9%                      ¥21.72  ¥1.79 ¥19.93
            VAT 13%                     ¥89.00 ¥10.24 ¥78.76
            ------------------------------------------------
            WeChat Pay                               ¥110.72
            Ref                 4200001234202503140912345678
            Member                             *********5678
            Sale                                  L03-000127
            Time                            2025-03-14 09:26
            Code                                3f9a1c07e2b4
            ------------------------------------------------
                        Thank you for shopping!
                         谢谢惠顾，欢迎再次光临

            """
        #expect(TextRenderer.render(Sample.full, profile: .generic80mm) == expected)
    }

    @Test(arguments: [PrinterProfile.generic58mm, .generic80mm])
    func longNamesStayWithinThePaper(profile: PrinterProfile) {
        var receipt = Sample.full
        receipt.storeName = ["Sunny Hillside Farmers Cooperative Supermarket", "阳光山坡农民合作社连锁生鲜超级市场"]
        receipt.lines = [
            .init(name: ColumnLayoutTests.longEnglish, secondName: ColumnLayoutTests.longChinese,
                  quantityText: "12 x ¥7.42", amount: yuan(8_904)),
            .init(name: ColumnLayoutTests.longChinese, amount: yuan(1_234_56)),
        ]
        let text = TextRenderer.render(receipt, profile: profile)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { displayWidth($0) <= profile.columns })
        #expect(lines.contains { $0.hasSuffix(" ¥89.04") && $0.hasPrefix("  12 x ¥7.42 ") })
        #expect(lines.contains { $0.hasSuffix(" ¥1234.56") })
    }

    @Test func emptyReceipt() {
        let receipt = Receipt(storeName: [], saleID: "S0", time: "00:00", lines: [],
                              subtotal: yuan(0), total: yuan(0),
                              payment: .init(tender: "Cash", amount: yuan(0)))
        let expected = """
            --------------------------------
            --------------------------------
            Subtotal                   ¥0.00
            TOTAL                      ¥0.00
            --------------------------------
            Cash                       ¥0.00
            Sale                          S0
            Time                       00:00

            """
        #expect(TextRenderer.render(receipt, profile: .generic58mm) == expected)
    }

    @Test(arguments: [PrinterProfile.generic58mm, .generic80mm])
    func hugeQuantitiesAndAmountsStayVisible(profile: PrinterProfile) {
        let most = yuan(.max), least = yuan(.min)
        let receipt = Receipt(
            storeName: ["Big"], saleID: String(repeating: "9", count: 100), time: "now",
            lines: [.init(name: "Gold", quantityText: "9999999999999999 x \(most)", amount: most),
                    .init(name: "Refund", amount: least)],
            discounts: [.init(label: "Everything", amount: most), .init(label: "Odd", amount: least)],
            subtotal: most, total: least,
            taxes: [.init(label: "VAT", gross: most, tax: most, net: least)],
            payment: .init(tender: "Cash", reference: String(repeating: "R", count: 80), amount: most),
            member: "1", integrityCode: String(repeating: "f", count: 64))
        let lines = TextRenderer.render(receipt, profile: profile).split(separator: "\n")
        #expect(lines.allSatisfy { displayWidth($0) <= profile.columns })
        #expect(lines.contains("Gold"))
        #expect(lines.contains { $0.hasPrefix("  9999999999999999 x") })
        #expect(lines.contains { $0.hasSuffix("RRRR") })
        #expect(lines.filter { $0.hasSuffix(" ¥92233720368547758.07") }.count >= 4)
        #expect(lines.contains { $0.hasSuffix(" -¥92233720368547758.08") })
        #expect(lines.contains { $0.hasSuffix("Member" + String(repeating: " ", count: profile.columns - 7) + "*") })
    }

    @Test(arguments: [0, 1, 5])
    func absurdlyNarrowProfilesDoNotCrash(columns: Int) {
        let profile = PrinterProfile(name: "Tiny", paperWidth: .mm58, columns: columns, supportsChinese: true, cutter: true)
        #expect(!TextRenderer.render(Sample.full, profile: profile).isEmpty)
        #expect(ReceiptPrinterDocument.escpos(Sample.full, profile: profile).starts(with: [0x1B, 0x40]))
    }
}
