import Foundation
import Journal
import KioskTestSupport
import Testing

/// The "done when", on the real executable over HTTP: a weighed item, a GS1 DataMatrix
/// item with expiry, a Digital Link QR, a member card, a signed coupon (from the demo panel,
/// signed with the demo key at start-up) and a wallet code that pays. Then the coupon cannot be
/// used again, and the wallet code is nowhere in the state folder.
@Suite struct ScanKindsEndToEndTests {
    func scan(_ api: APIClient, _ code: String) async throws -> APIClient.Reply {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["code": code]), as: UTF8.self)
        return try await api.post("/api/scan", body)
    }

    @Test func everyKindOfScanInOneSale() async throws {
        let stateDir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stateDir) }
        let kiosk = try await KioskProcess(stateDirectory: stateDir)
        defer { _ = kiosk.terminate() }
        let api = APIClient(base: kiosk.baseURL)

        let demo = try await api.get("/api/demo/items")
        let items = try #require(JSONSerialization.jsonObject(with: Data(demo.text.utf8)) as? [[String: Any]])
        func code(hint: String?) throws -> String {
            try #require(items.first { ($0["hint"] as? String) == hint }?["code"] as? String, "no demo item \(String(describing: hint))")
        }
        let plain = try code(hint: nil)
        let gtin14 = String(repeating: "0", count: 14 - plain.count) + plain

        #expect(try await scan(api, try code(hint: "member")).status == 200)
        #expect(try await scan(api, try code(hint: "weighed")).status == 200)
        #expect(try await scan(api, "]d201\(gtin14)17271231\u{1D}10LOT7").status == 200)          // GS1 DataMatrix, expiry
        #expect(try await scan(api, "https://id.gs1.org/01/\(gtin14)/10/LOT8?17=271231").status == 200)  // Digital Link
        let coupon = try code(hint: "coupon")  // ¥5 off from ¥30
        #expect(try await scan(api, coupon).status == 200)

        var state = try await api.get("/api/state").json
        #expect((state["lines"] as? [Any])?.count == 2)  // the weighed item, and the plain one twice
        #expect(state["member"] as? String != nil)
        let coupons = try #require(state["coupons"] as? [[String: Any]])
        if coupons.first?["status"] as? String == "pending" {
            // Below the minimum spend: more of the plain item until it applies.
            for _ in 0..<20 where (try await api.get("/api/state").json["coupons"] as? [[String: Any]])?.first?["status"] as? String == "pending" {
                #expect(try await scan(api, plain).status == 200)
            }
        }
        state = try await api.get("/api/state").json
        let applied = try #require((state["coupons"] as? [[String: Any]])?.first)
        #expect(applied["status"] as? String == "applied")
        #expect(applied["amount"] as? String == "¥5.00")
        let total = try #require((state["totals"] as? [String: Any])?["total"] as? String)

        // The wallet code pays the cart.
        let wallet = try code(hint: "wallet")
        #expect(try await scan(api, wallet).status == 200)
        let paying = try await api.get("/api/state").json
        if paying["phase"] as? String == "paying" { #expect((paying["wallet"] as? String)?.hasPrefix("WeChat Pay 13*") == true) }
        let done = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" })
        let sale = try #require(done["sale"] as? [String: Any])
        #expect(sale["total"] as? String == total)
        #expect(try await api.post("/api/finish").status == 200)

        // The same coupon again, in the next sale: refused.
        #expect(try await scan(api, plain).status == 200)
        let again = try await scan(api, coupon)
        #expect(again.status == 409)
        #expect((again.json["error"] as? [String: Any])?["code"] as? String == "coupon-already-redeemed")

        #expect(kiosk.terminate() == 0)
        let journal = try LaneJournal(path: stateDir.appendingPathComponent("journal.sqlite").path)
        let recorded = try #require(try journal.recentSales().first)
        #expect(recorded.tender == "wechat-pay")
        let couponID = try journalCouponID(journal)
        #expect(couponID.hasPrefix("DEMO-"))
        #expect(try journal.couponRedemption(id: couponID)?.saleID == recorded.id)
        for file in try FileManager.default.subpathsOfDirectory(atPath: stateDir.path) {
            guard let bytes = try? Data(contentsOf: stateDir.appendingPathComponent(file)) else { continue }
            #expect(bytes.range(of: Data(wallet.utf8)) == nil, "\(file) holds the wallet code")
        }
    }

    /// The coupon id the sale redeemed, read from the sale record.
    func journalCouponID(_ journal: LaneJournal) throws -> String {
        let sale = try #require(try journal.recentSales().first)
        let record = try #require(try journal.sale(id: sale.id))
        return try #require(record.priced.coupons.first?.coupon.id)
    }
}
