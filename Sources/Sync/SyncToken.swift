import Crypto
import Foundation
import Journal

/// A head-office bearer token: "kst_" and 43 base64url characters, the 32 random bytes (256 bits)
/// without padding. The settings keep only `sha256`, the SHA-256 of the token's text.
public struct SyncToken: Sendable, Equatable, CustomStringConvertible {
    public static let prefix = "kst_"
    /// The token itself. It is shown once, when made; nothing else prints it.
    public let text: String

    /// A new token from the system's cryptographically secure generator.
    public static func generate() -> SyncToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return SyncToken(bytes: bytes)
    }

    init(bytes: [UInt8]) {
        precondition(bytes.count == 32)
        text = Self.prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Parses strictly: the prefix, then exactly 43 base64url characters that are the canonical
    /// encoding of 32 bytes (the last character carries 4 bits; its 2 spare bits must be zero).
    public init?(_ text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count == Self.prefix.utf8.count + 43, utf8.starts(with: Self.prefix.utf8) else { return nil }
        let body = utf8.dropFirst(Self.prefix.utf8.count)
        guard body.allSatisfy({ $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }),
              let last = body.last, let index = Self.alphabet.firstIndex(of: last), index & 0b11 == 0 else { return nil }
        self.text = String(decoding: utf8, as: UTF8.self)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// SHA-256 of the token's text, the form the settings store.
    public var sha256: [UInt8] { Array(SHA256.hash(data: Array(text.utf8))) }
    public var sha256Hex: String { Hex.encode(sha256) }

    /// Never the token: a token must not reach a log by string interpolation.
    public var description: String { "SyncToken(…)" }
}

/// Whether two byte arrays are equal, in time that depends on their lengths only: every byte is
/// looked at, whatever differs first, so the time taken does not tell how much of a secret matched.
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}
