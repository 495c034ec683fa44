import _CryptoExtras
import Crypto
import Foundation

/// A staff PIN as the lane stores it: scrypt, self-describing and versioned by its first field,
/// `scrypt$<log2 N>$<r>$<p>$<salt, base64>$<key, base64>`. A 4-digit PIN has 10,000 values: a
/// fast hash of one is undone in microseconds, so each guess must cost real work (here about
/// 50-100 ms and 16 MB; see README "Staff PINs").
public struct PINHash: Equatable, Sendable {
    let log2N: Int
    let r: Int
    let p: Int
    let salt: [UInt8]
    let key: [UInt8]

    /// What the lane makes: N = 2^14, r = 8, p = 1 (16 MB), a 16-byte salt, a 32-byte key.
    static let log2NDefault = 14, rDefault = 8, pDefault = 1
    static let saltBytes = 16, keyBytes = 32
    /// What a stored hash may ask for: a pushed or configured hash cannot make one check cost
    /// seconds or gigabytes (r * 2^log2N * 128 bytes is at most 128 MB here).
    static let log2NRange = 10...17, rRange = 1...8, pRange = 1...4
    static let saltRange = 8...64, keyRange = 16...64

    /// A new hash of `pin`, with a fresh random salt.
    static func make(pin: String) -> PINHash {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<saltBytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return make(pin: pin, salt: salt)
    }

    static func make(pin: String, salt: [UInt8], log2N: Int = log2NDefault, r: Int = rDefault, p: Int = pDefault) -> PINHash {
        PINHash(log2N: log2N, r: r, p: p, salt: salt,
                key: derive(pin: pin, salt: salt, log2N: log2N, r: r, p: p, count: keyBytes))
    }

    /// True when `pin` is the PIN this hash was made from (compared in constant time).
    func verifies(_ pin: String) -> Bool {
        StaffDirectory.constantTimeEqual(Self.derive(pin: pin, salt: salt, log2N: log2N, r: r, p: p, count: key.count), key)
    }

    private static func derive(pin: String, salt: [UInt8], log2N: Int, r: Int, p: Int, count: Int) -> [UInt8] {
        // Parameters are within the ranges above, which BoringSSL takes; should it refuse anyway
        // (memory), the empty key matches nothing: a refused login, never a crash.
        guard let key = try? KDF.Scrypt.deriveKey(from: Array(pin.utf8), salt: salt, outputByteCount: count,
                                                  rounds: 1 << log2N, blockSize: r, parallelism: p) else { return [] }
        return key.withUnsafeBytes { Array($0) }
    }

    var text: String {
        "scrypt$\(log2N)$\(r)$\(p)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

extension PINHash {
    /// Reads a stored hash; throws why when `text` is not one.
    init(parsing text: String) throws(Problem) {
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "scrypt" else { throw Problem("must be scrypt$<log2 N>$<r>$<p>$<salt>$<key>") }
        // Plain decimal only ("014" and "+1" are not), as the sync API's pattern says.
        func number(_ field: Substring, _ range: ClosedRange<Int>) -> Int? {
            guard let value = Int(field), String(value) == field, range.contains(value) else { return nil }
            return value
        }
        guard let log2N = number(fields[1], Self.log2NRange), let r = number(fields[2], Self.rRange),
              let p = number(fields[3], Self.pRange) else {
            throw Problem("scrypt cost must be log2 N \(Self.log2NRange), r \(Self.rRange), p \(Self.pRange)")
        }
        guard let salt = Data(base64Encoded: String(fields[4])), Self.saltRange.contains(salt.count),
              let key = Data(base64Encoded: String(fields[5])), Self.keyRange.contains(key.count) else {
            throw Problem("salt must be \(Self.saltRange) and key \(Self.keyRange) bytes, in base64")
        }
        self.init(log2N: log2N, r: r, p: p, salt: Array(salt), key: Array(key))
    }
}
