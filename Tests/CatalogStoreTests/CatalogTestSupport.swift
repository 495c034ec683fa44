@testable import CatalogStore
import Foundation
import KioskTestSupport
import Retail

/// Generated catalog files for the catalog store tests.
enum CatalogFixture {
    static let format = CatalogCSV(currency: cny, taxCodes: ["A", "B"])
    static let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing"

    /// A distinct valid EAN-13 (prefix 69) for every n below 10^10, in scattered order.
    static func code(_ n: Int) -> String {
        let body = (n &* 2_654_435_761) % 10_000_000_000
        let digits = String(body)
        return GTIN.appendingCheckDigit("69" + String(repeating: "0", count: 10 - digits.count) + digits)
    }

    /// A weighed item's in-store key (prefix 21, price digits 00000).
    static func weighedCode(_ n: Int) -> String {
        let digits = String(n % 100_000)
        return GTIN.appendingCheckDigit("21" + String(repeating: "0", count: 5 - digits.count) + digits + "00000")
    }

    /// Row `n` of a generated catalog: every column kind appears somewhere. With `price`, every
    /// unit-priced row costs that (and has no member price).
    static func row(_ n: Int, price: String? = nil) -> String {
        if n % 50 == 49 {
            return "\(weighedCode(n)),Weighed \(n) (per kg),称重\(n),\(price ?? "12.80"),,B,,,embedded-price"
        }
        let name = n % 10 == 0 ? "\"Noodles, beef \(n)\"" : n % 10 == 1 ? "\"Say \"\"cheese\"\" \(n)\"" : "Item \(n) long name for a shelf"
        let zh = n % 7 == 0 ? "" : "商品\(n)"
        let cents = 100 + (n * 37) % 99_900
        let unitPrice = price ?? "\(cents / 100).\(String(format: "%02d", cents % 100))"
        let member = price == nil && n % 5 == 0 ? "\((cents - 50) / 100).\(String(format: "%02d", (cents - 50) % 100))" : ""
        let age = n % 13 == 0 ? "18" : ""
        let multi = n % 11 == 0 ? "3for2" : ""
        return "\(code(n)),\(name),\(zh),\(unitPrice),\(member),\(n % 2 == 0 ? "A" : "B"),\(age),\(multi),"
    }

    static func csv(_ count: Int, price: String? = nil, from start: Int = 0) -> String {
        header + "\n" + (start..<(start + count)).map { row($0, price: price) }.joined(separator: "\n") + "\n"
    }

    static func write(_ text: String, in directory: URL, name: String = "catalog.csv") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
