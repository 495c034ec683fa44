import KioskTestSupport
import Receipts
import Retail

/// Receipts shared by several tests (in yuan: KioskTestSupport's `yuan`).
enum Sample {
    static let full = Receipt(
        storeName: ["Fresh Market", "鲜果超市"],
        address: ["88 Example Road, Shanghai", "上海市示例路88号"],
        saleID: "L03-000127",
        time: "2025-03-14 09:26",
        lines: [
            .init(name: "Fuji Apple", secondName: "富士苹果", quantityText: "2 x ¥3.50", amount: yuan(700)),
            .init(name: "Bananas", secondName: "香蕉", quantityText: "0.532 kg", amount: yuan(372)),
            .init(name: "Organic Extra Virgin Olive Oil 500ml", amount: yuan(8_900)),
            .init(name: "Milk", secondName: "牛奶", amount: yuan(1_250)),
        ],
        discounts: [.init(label: "Member price", amount: yuan(150))],
        subtotal: yuan(11_072),
        total: yuan(11_072),
        taxes: [
            .init(label: "VAT 9%", gross: yuan(2_172), tax: yuan(179), net: yuan(1_993)),
            .init(label: "VAT 13%", gross: yuan(8_900), tax: yuan(1_024), net: yuan(7_876)),
        ],
        payment: .init(tender: "WeChat Pay", reference: "4200001234202503140912345678", amount: yuan(11_072)),
        member: "8613812345678",
        integrityCode: "3f9a1c07e2b4",
        footer: ["Thank you for shopping!", "谢谢惠顾，欢迎再次光临"]
    )

    static let small = Receipt(
        storeName: ["Shop"],
        saleID: "S1",
        time: "09:26",
        lines: [.init(name: "Tea", amount: yuan(500))],
        subtotal: yuan(500),
        total: yuan(500),
        payment: .init(tender: "Cash", amount: yuan(500))
    )
}
