import KioskTestSupport
import Testing
import Retail

/// Stands in for Ed25519 (Retail has no crypto; KioskAppTests check the real keys): a "signature"
/// is 64 copies of the message length's low byte, so any change of the signed bytes is caught.
struct LengthVerifier: CouponSignatureVerifier {
    static func sign(_ message: [UInt8]) -> [UInt8] { [UInt8](repeating: UInt8(truncatingIfNeeded: message.count), count: 64) }
    func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool { signature == Self.sign(message) }
}

func fakeSigned(_ payload: String) -> String {
    SignedCoupon.assemble(payload: payload, signature: LengthVerifier.sign(Array(SignedCoupon.signingInput(payload).utf8)))
}

@Suite struct CouponFormatTests {
    let scanner = ScanInterpreter(currency: cny, couponVerifier: LengthVerifier())

    @Test func aSignedCouponReadsBackAsTheCoupon() throws {
        let coupon = Coupon(id: "SPRING-0042", value: .amountOff(Fixture.yuan("5.00")), minimumSpend: Fixture.yuan("30.00"),
                            gtins: [gtin("690000000001")], validFrom: 1_735_689_600, validUntil: 1_767_225_599)
        let payload = SignedCoupon.payload(for: coupon)
        #expect(payload == "id=SPRING-0042;off=500;cur=CNY;min=3000;gtin=6900000000014;from=1735689600;until=1767225599")
        let code = fakeSigned(payload)
        #expect(code.hasPrefix("KC1."))
        #expect(try scanner.interpret(code) == .coupon(coupon))
        #expect(try scanner.interpret("]Q1" + code) == .coupon(coupon))
        let percent = Coupon(id: "P", value: .percentOff(10), validUntil: 2_000_000_000)
        #expect(try scanner.interpret(fakeSigned(SignedCoupon.payload(for: percent))) == .coupon(percent))
    }

    @Test func anyChangedCharacterBreaksTheSignature() throws {
        let code = fakeSigned("id=A;off=500;cur=CNY;until=1767225599")
        // Re-encode a payload with a larger value under the old signature.
        let forged = SignedCoupon.signingInput("id=A;off=5000;cur=CNY;until=1767225599") + "." + code.split(separator: ".")[2]
        #expect(throws: ScanError.coupon(CouponError(.badSignature, position: forged.split(separator: ".").prefix(2).joined(separator: ".").utf8.count + 2))) {
            try scanner.interpret(forged)
        }
    }

    @Test func withoutKeysNoCouponIsAccepted() {
        let plain = ScanInterpreter(currency: cny)
        #expect(throws: ScanError.coupon(CouponError(.noKeys, position: 1))) {
            try plain.interpret(fakeSigned("id=A;pct=5;until=1"))
        }
    }

    /// Structural errors point at the byte in the scanned code.
    @Test(arguments: [
        ("KC1.", "coupon: no signature at position 4"),
        ("KC1.abc.", "coupon: no signature at position 8"),
        ("KC1..abc", "coupon: no payload at position 5"),
        ("KC1.a.b.c", "coupon: more than two \".\" separators at position 8"),
        ("KC1.ab*c.AAAA", "coupon: \"*\" is not a base64url character at position 7"),
        ("KC1.abcde.AAAA", "coupon: base64url text cannot be 5 characters long at position 9"),
        ("KC1.aWQ9QQ.AAAA", "coupon: the signature is 3 bytes, an Ed25519 signature is 64 at position 12"),
        ("kc1.aWQ9QQ.AAAA", "coupon: does not start with KC1."),
    ])
    func structuralErrors(code: String, message: String) {
        do {
            _ = try scanner.interpret(code)
            Issue.record("accepted \(code)")
        } catch {
            #expect(error.description == message)
        }
    }

    /// Payload errors name the field and where in the payload it is.
    @Test(arguments: [
        ("id=A;off=500;cur=CNY", "coupon payload: no end of validity (until)"),
        ("off=500;cur=CNY;until=1", "coupon payload: no id"),
        ("id=A;until=1", "coupon payload: no value: give off or pct"),
        ("id=A;off=500;until=1", "coupon payload: off needs a currency (cur) at payload character 10"),
        ("id=A;off=500;cur=USD;until=1", "coupon payload: the coupon is in USD; this store sells in CNY at payload character 18"),
        ("id=A;pct=0;until=1", "coupon payload: pct 0 is outside 1...100 at payload character 10"),
        ("id=A;pct=101;until=1", "coupon payload: pct 101 is outside 1...100 at payload character 10"),
        ("id=A;pct=5;off=1;cur=CNY;until=1", "coupon payload: give off or pct, not both at payload character 10"),
        ("id=A;pct=5;pct=6;until=1", "coupon payload: field \"pct\" appears twice at payload character 12"),
        ("id=A;pct=5;color=red;until=1", "coupon payload: unknown field \"color\" at payload character 12"),
        ("id=A;pct=5;;until=1", "coupon payload: empty field at payload character 12"),
        ("id=A;pct=five;until=1", "coupon payload: pct \"five\" is not a whole number at payload character 10"),
        ("id=A B;pct=5;until=1", "coupon payload: id \"A B\" is not 1 to 32 letters, digits, - or _ at payload character 4"),
        ("id=A;pct=5;gtin=6900000000014,6900000000015;until=1",
         "coupon payload: gtin \"6900000000015\": check digit is 5, expected 4 at payload character 31"),
        ("id=A;pct=5;from=10;until=9", "coupon payload: from is after until at payload character 17"),
    ])
    func payloadErrors(payload: String, message: String) {
        do {
            _ = try scanner.interpret(fakeSigned(payload))
            Issue.record("accepted \(payload)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func theValidityWindowIsInclusive() {
        let coupon = Coupon(id: "W", value: .percentOff(5), validFrom: 100, validUntil: 200)
        #expect(coupon.windowProblem(at: 99) == .notYetValid(from: 100))
        #expect(coupon.windowProblem(at: 100) == nil)
        #expect(coupon.windowProblem(at: 200) == nil)
        #expect(coupon.windowProblem(at: 201) == .expired(until: 200))
        #expect(CouponWindowProblem.expired(until: 1_767_225_599).description == "expired 2025-12-31 23:59:59 UTC")
    }

    @Test func utcTimeFormatsAndChecksDates() {
        #expect(UTCTime.format(0) == "1970-01-01 00:00:00 UTC")
        #expect(UTCTime.format(951_782_400) == "2000-02-29 00:00:00 UTC")
        #expect(UTCTime.format(-1) == "1969-12-31 23:59:59 UTC")
        #expect(UTCTime.days(year: 2000, month: 2, day: 29) == 11_016)
        #expect(UTCTime.days(year: 2001, month: 2, day: 29) == nil)
        #expect(UTCTime.days(year: 2025, month: 13, day: 1) == nil)
        for days: Int64 in [-1000, 0, 59, 11_016, 20_000, 2_932_896] {
            let (y, m, d) = UTCTime.civil(fromDays: days)
            #expect(UTCTime.days(year: y, month: m, day: d) == days)
        }
    }

    @Test func base64URLRoundTripsAndRefusesNonCanonicalText() throws {
        for n in 0..<70 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + n) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(try Base64URL.decode(Array(text.utf8)[...]) == bytes)
        }
        // "QR" would decode to the same byte as "QQ" if the spare bits were ignored.
        #expect(try Base64URL.decode(Array("QQ".utf8)[...]) == [0x41])
        #expect(throws: CouponError.self) { try Base64URL.decode(Array("QR".utf8)[...]) }
    }
}
