import Foundation
import KioskTestSupport
import Testing
import Retail

@Suite struct WalletCodeTests {
    let scanner = ScanInterpreter(currency: cny)

    @Test(arguments: ["100000000000000000", "134567890123456789", "159999999999999999"])
    func weChatPayIs18DigitsStarting10To15(code: String) throws {
        let wallet = try #require(WalletCode(digits: code))
        #expect(wallet.kind == .wechatPay)
        #expect(wallet.authCode == code)
        #expect(try scanner.interpret(code) == .walletPayment(wallet))
    }

    @Test(arguments: ["2500000000000000", "28001234567890123", "300000000000000000000000", "260000000000000000"])
    func alipayIs16To24DigitsStarting25To30(code: String) throws {
        let wallet = try #require(WalletCode(digits: code))
        #expect(wallet.kind == .alipay)
        #expect(try scanner.interpret("]C0" + code) == .walletPayment(wallet))
    }

    @Test(arguments: [
        "13456789012345678",          // 17 digits starting 13: not WeChat Pay, not Alipay
        "1345678901234567890",        // 19 digits starting 13
        "160000000000000000",         // 18 digits starting 16
        "2400000000000000",           // 16 digits starting 24
        "310000000000000000",         // 18 digits starting 31
        "2500000000000000000000000",  // 25 digits
        "250000000000000",            // 15 digits
        "2512345678901",              // 13 digits: never a wallet code
    ])
    func othersAreNotWalletCodes(code: String) {
        #expect(WalletCode(digits: code) == nil)
    }

    @Test func aThirteenDigitCodeInTheWalletRangesIsAProductCode() throws {
        // 25... is an in-store price code of the default layout, 13... an ordinary GTIN.
        let inStore = GTIN.appendingCheckDigit("251234501234")
        guard case .embeddedPrice = try scanner.interpret(inStore) else { Issue.record("expected an in-store code"); return }
        let product = GTIN.appendingCheckDigit("134567890123")
        #expect(try scanner.interpret(product) == .item(try GTIN(product)))
    }

    @Test func sixteenToTwentyFourDigitsOutsideTheRangesSayWhatTheyAreNot() {
        #expect(throws: ScanError.self) { try scanner.interpret("1234567890123456") }
        do {
            _ = try scanner.interpret("1600000000000000000")
        } catch {
            #expect(error.description.contains("neither a product code"))
            #expect(error.description.contains("WeChat Pay: 18 digits starting 10-15"))
        }
    }

    @Test func theCodeIsMaskedAndNeverEncoded() throws {
        let code = "134567890123456789"
        let wallet = try #require(WalletCode(digits: code))
        #expect(wallet.masked == "13************6789")
        #expect(wallet.description == "WeChat Pay 13************6789")
        let json = String(decoding: try JSONEncoder().encode(wallet), as: UTF8.self)
        #expect(!json.contains(code))
        #expect(!json.contains("567890123"))
        let back = try JSONDecoder().decode(WalletCode.self, from: Data(json.utf8))
        #expect(back.authCode == nil)
        #expect(back.masked == wallet.masked)
        #expect(back.kind == .wechatPay)
        // A scan meaning that carries it encodes masked too.
        let meaning = String(decoding: try JSONEncoder().encode(ScanMeaning.walletPayment(wallet)), as: UTF8.self)
        #expect(!meaning.contains(code))
    }
}

@Suite struct StaffBadgeTests {
    let scanner = ScanInterpreter(currency: cny)

    @Test func badgesAreReadWithEitherSeparator() throws {
        #expect(try scanner.interpret("STAFF:1001") == .staffBadge("1001"))
        #expect(try scanner.interpret("STAFF-A17\r\n") == .staffBadge("A17"))
    }

    @Test(arguments: ["STAFF:", "STAFF:10 01", "STAFF:" + String(repeating: "1", count: 17), "STAFF:1001é"])
    func malformedBadgesAreRefusedAsBadges(code: String) {
        do {
            _ = try scanner.interpret(code)
            Issue.record("\(code) was accepted")
        } catch {
            #expect(error.description.hasPrefix("staff badge:"))
        }
    }

    @Test func lowerCaseIsNotABadge() {
        #expect(StaffBadge.badge(in: "staff:1001") == nil)
    }
}
