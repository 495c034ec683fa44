import Foundation
import KioskTestSupport
import Testing
@testable import Receipts
import Retail

@Suite struct ReceiptModelTests {
    @Test func receiptAndProfileRoundTripThroughJSON() throws {
        let receipt = try JSONDecoder().decode(Receipt.self, from: JSONEncoder().encode(Sample.full))
        #expect(receipt == Sample.full)
        let profile = try JSONDecoder().decode(PrinterProfile.self, from: JSONEncoder().encode(PrinterProfile.generic80mm))
        #expect(profile == .generic80mm)
    }

    @Test func profiles() {
        #expect(PrinterProfile.generic58mm.columns == 32)
        #expect(PrinterProfile.generic80mm.columns == 48)
        #expect(PrinterProfile(name: "Narrow head", paperWidth: .mm80, columns: 42, supportsChinese: false, cutter: true).columns == 42)
    }

    @Test(arguments: [
        ("8613812345678", "*********5678"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("", ""),
    ])
    func memberNumbersAreMasked(member: String, printed: String) {
        #expect(ReceiptLayout.masked(member) == printed)
    }

    @Test func discountsPrintNegativeWhateverTheirSign() {
        #expect(ReceiptLayout.negative(yuan(150)).description == "-¥1.50")
        #expect(ReceiptLayout.negative(yuan(-150)).description == "-¥1.50")
        #expect(ReceiptLayout.negative(yuan(.min)).description == "-¥92233720368547758.08")
    }
}
