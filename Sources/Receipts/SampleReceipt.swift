import Retail

/// A receipt that exercises everything a printer must get right, for `kiosk receipt
/// test-print`, previews and tests: English and Chinese text, a name that wraps, quantities,
/// discounts, two tax rates, a member number, an integrity code, a QR code and a barcode.
public enum SampleReceipt {
    public static let saleID = "L03-000127"
    public static let eReceiptURL = "https://receipts.example.com/r/L03-000127"

    /// Amounts are given in cents and scaled to the currency's minor units (so in JPY,
    /// ¥3.50 becomes ¥3); the totals and taxes are computed, so they always add up.
    public static func make(currency: Currency = Currency(code: "CNY", minorDigits: 2)) -> Receipt {
        func money(_ cents: Int64) -> Money {
            var minor = cents
            if currency.minorDigits < 2 {
                for _ in currency.minorDigits..<2 { minor /= 10 }
            } else {
                for _ in 2..<min(currency.minorDigits, 6) { minor *= 10 }
            }
            return Money(minorUnits: minor, currency: currency)
        }
        let apple = money(350), oil = money(8_900)
        let food: [Receipt.Line] = [
            .init(name: "Fuji Apple", secondName: "富士苹果", quantityText: "2 x \(apple)", amount: apple * 2),
            .init(name: "Bananas", secondName: "香蕉", quantityText: "0.532 kg", amount: money(372)),
            .init(name: "嫩豆腐", secondName: "Silken Tofu", amount: money(420)),
            .init(name: "Milk", secondName: "牛奶", amount: money(1_250)),
        ]
        let lines = food + [
            .init(name: "Organic Cold Pressed Extra Virgin Olive Oil from Sunny Hillside Groves, 500 ml Glass Bottle",
                  secondName: "有机冷榨特级初榨橄榄油（玻璃瓶装五百毫升）", amount: oil),
        ]
        let discounts: [Receipt.Adjustment] = [
            .init(label: "Member price Milk", amount: money(150)),
            .init(label: "Coupon SAVE5", amount: money(500)),
        ]
        let subtotal = lines.reduce(Money.zero(currency)) { $0 + $1.amount }
        let total = discounts.reduce(subtotal) { $0 - $1.amount }
        // The discounts fall on the food, taxed at 9%; the oil is at 13%.
        let foodGross = total - oil
        let taxes = [taxRow("VAT 9%", gross: foodGross, rate: 9), taxRow("VAT 13%", gross: oil, rate: 13)]
        return Receipt(
            storeName: ["Fresh Market", "鲜果超市"],
            address: ["88 Example Road, Shanghai", "上海市示例路88号"],
            saleID: saleID,
            time: "2025-03-14 09:26",
            lines: lines,
            discounts: discounts,
            subtotal: subtotal,
            total: total,
            taxes: taxes,
            payment: .init(tender: "WeChat Pay", reference: "4200001234202503140912345678", amount: total),
            member: "8613812345678",
            integrityCode: "3f9a1c07e2b45d68",
            footer: ["Thank you for shopping!", "谢谢惠顾，欢迎再次光临"],
            qrCode: eReceiptURL,
            barcode: saleID
        )
    }

    /// Tax included in `gross` at `rate` percent, rounded half up to the minor unit.
    private static func taxRow(_ label: String, gross: Money, rate: Int64) -> Receipt.TaxRow {
        let tax = Money(minorUnits: (gross.minorUnits * rate * 2 + 100 + rate) / (2 * (100 + rate)), currency: gross.currency)
        return .init(label: label, gross: gross, tax: tax, net: gross - tax)
    }
}
