import Crypto
import Foundation
import Retail

/// Checks coupon signatures against head office's Ed25519 public keys (the store profile's
/// `couponKeys`), any of which may have signed: keys rotate by listing the new one beside the old.
///
/// Retail parses coupons but has no crypto; it calls this through `CouponSignatureVerifier`.
public struct Ed25519CouponVerifier: CouponSignatureVerifier {
    /// Raw 32-byte public keys (swift-crypto's key type is not Sendable; it is rebuilt per check,
    /// a copy of 32 bytes).
    let keys: [[UInt8]]

    public init(_ keys: [CouponKey]) throws {
        self.keys = try keys.map { key in
            guard let bytes = key.publicKeyBytes, bytes.count == 32,
                  (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil else {
                throw KioskSetupError.assets("coupon key \"\(key.id)\": publicKey is not an Ed25519 public key (32 bytes, base64)")
            }
            return bytes
        }
    }

    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        keys.contains { raw in
            (try? Curve25519.Signing.PublicKey(rawRepresentation: raw))?.isValidSignature(signature, for: message) ?? false
        }
    }
}

extension StoreProfile {
    /// The scan interpreter for this store: its currency, its scales' layout, its coupon keys
    /// (no keys: coupons are refused as "not accepted here").
    public func scanInterpreter() throws -> ScanInterpreter {
        ScanInterpreter(currency: currency, layout: variableMeasure,
                        couponVerifier: couponKeys.isEmpty ? nil : try Ed25519CouponVerifier(couponKeys),
                        relaxations: gs1Relaxations)
    }
}

/// Mints signed coupons: `kiosk coupon make`, tests and demos. Head office would do the same
/// with a key that never leaves it.
public struct CouponSigner: Sendable {
    let seed: [UInt8]
    public let keyID: String
    var key: Curve25519.Signing.PrivateKey { try! Curve25519.Signing.PrivateKey(rawRepresentation: seed) } // checked in init

    public init(privateKey: [UInt8], keyID: String) throws {
        _ = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)
        seed = privateKey
        self.keyID = keyID
    }

    /// Reads a key file: `{"keyID": "...", "privateKey": "<base64 of the 32-byte seed>"}`, as in
    /// assets/demo/coupon-signing-key.DEMO-ONLY.json.
    public static func load(_ url: URL) throws -> CouponSigner {
        struct KeyFile: Decodable { let keyID: String; let privateKey: String }
        let file: KeyFile
        do { file = try JSONDecoder().decode(KeyFile.self, from: Data(contentsOf: url)) } catch {
            throw KioskSetupError.assets("coupon signing key \(url.path) cannot be read: it must be {\"keyID\", \"privateKey\"}")
        }
        guard let seed = Data(base64Encoded: file.privateKey), seed.count == 32 else {
            throw KioskSetupError.assets("coupon signing key \(url.path): privateKey is not 32 bytes of base64")
        }
        return try CouponSigner(privateKey: [UInt8](seed), keyID: file.keyID)
    }

    /// The demo store's key, for demo mode and tests.
    public static func demo(assets: URL) throws -> CouponSigner {
        try load(assets.appendingPathComponent("demo/coupon-signing-key.DEMO-ONLY.json"))
    }

    /// The raw 32-byte public key.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// The base64 public key to list in a store profile's `couponKeys`.
    public var publicKeyBase64: String { Data(publicKey).base64EncodedString() }

    /// The text to print as a QR code: `KC1.<payload>.<signature>`.
    public func sign(_ coupon: Coupon) throws -> String {
        try sign(payload: SignedCoupon.payload(for: coupon))
    }

    /// Signs any payload text, valid or not (tests use this to make coupons with bad fields).
    public func sign(payload: String) throws -> String {
        let input = SignedCoupon.signingInput(payload)
        let signature = try key.signature(for: Data(input.utf8))
        return SignedCoupon.assemble(payload: payload, signature: [UInt8](signature))
    }
}

/// What `kiosk coupon make` was asked for, as typed.
public struct CouponRequest: Sendable {
    public var id: String
    /// Amount off, "5.00"; or `percent`.
    public var off: String?
    public var percent: Int?
    /// Minimum spend, "30.00".
    public var minimumSpend: String?
    public var gtins: [String] = []
    /// "2025-06-01" (start of that day, UTC) or Unix seconds; nil for now.
    public var from: String?
    /// "2025-06-30" (end of that day, UTC) or Unix seconds; nil for `days` after `from`.
    public var until: String?
    public var days = 30

    public init(id: String) { self.id = id }

    /// The coupon, checked by the same parser the lane uses, in `currency`.
    public func coupon(currency: Currency, now: Date = Date()) throws -> Coupon {
        func fail(_ message: String) -> KioskSetupError { KioskSetupError.assets("coupon: " + message) }
        func money(_ text: String, _ what: String) throws -> Money {
            do { return try Money.parse(text, currency: currency) } catch { throw fail("\(what): \(error)") }
        }
        func time(_ text: String, endOfDay: Bool) throws -> Int64 {
            if let seconds = Int64(text) { return seconds }
            let parts = text.split(separator: "-")
            guard parts.count == 3, let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
                  let days = UTCTime.days(year: y, month: m, day: d) else {
                throw fail("\"\(text)\" is not a date YYYY-MM-DD or Unix seconds")
            }
            return days * 86_400 + (endOfDay ? 86_399 : 0)
        }
        let value: CouponValue
        switch (off, percent) {
        case (let off?, nil): value = .amountOff(try money(off, "--off"))
        case (nil, let percent?): value = .percentOff(percent)
        default: throw fail("give --off AMOUNT or --percent N")
        }
        let gtins = try gtins.map { text in
            do { return try GTIN(text) } catch { throw fail("--gtin \(text): \(error)") }
        }
        let from = try from.map { try time($0, endOfDay: false) } ?? Int64(now.timeIntervalSince1970)
        let until = try until.map { try time($0, endOfDay: true) } ?? from + Int64(days) * 86_400
        let coupon = Coupon(id: id, value: value, minimumSpend: try minimumSpend.map { try money($0, "--min") },
                            gtins: gtins, validFrom: from, validUntil: until)
        // Round-trip through the lane's own parser, so a coupon this prints is one the lane reads.
        do { _ = try SignedCoupon.parse(SignedCoupon.assemble(payload: SignedCoupon.payload(for: coupon), signature: [UInt8](repeating: 0, count: 64)),
                                        currency: currency) } catch {
            throw fail(error.description)
        }
        return coupon
    }
}

/// `kiosk coupon make`, callable from tests.
public enum CouponMint {
    /// The signed code, and a warning when the configured store would not accept the key.
    public static func make(_ request: CouponRequest, keyFile: URL?, configFile: URL?, assets: String?,
                            now: Date = Date()) throws -> (code: String, warning: String?) {
        let config = try KioskConfig.forCommand(configFile)
        let assetsURL = try AssetLocator.find(explicit: assets)
        let store = try StoreSetup.loadProfile(AssetLocator.resolve(config.storeOrDemo, in: assetsURL))
        let signer = try keyFile.map(CouponSigner.load) ?? CouponSigner.demo(assets: assetsURL)
        let code = try signer.sign(try request.coupon(currency: store.currency, now: now))
        let accepted = store.couponKeys.contains { $0.publicKeyBytes.map { Data($0).base64EncodedString() } == signer.publicKeyBase64 }
        return (code, accepted ? nil : "the store's couponKeys do not list this key (\(signer.publicKeyBase64)): its lanes will refuse the coupon")
    }
}
