import Foundation
import Crypto

/// WeChat Pay API v2's signature, as its security rules document it: the non-empty fields but
/// `sign`, sorted by name (ASCII), joined as "k=v&k=v", then "&key=<API key>"; MD5 of that, or
/// HMAC-SHA256 keyed with the API key; upper-case hex.
public enum WeChatPaySignature {
    public enum Kind: String, Codable, Sendable {
        case md5 = "MD5"
        case hmacSHA256 = "HMAC-SHA256"
    }

    public static func sign(_ fields: [String: String], key: String, kind: Kind) -> String {
        let text = fields.filter { $0.key != "sign" && !$0.value.isEmpty }.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "&") + "&key=\(key)"
        let bytes: [UInt8]
        switch kind {
        case .md5: bytes = Array(Insecure.MD5.hash(data: Array(text.utf8)))
        case .hmacSHA256: bytes = Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: SymmetricKey(data: Array(key.utf8))))
        }
        return bytes.map { String(format: "%02X", $0) }.joined()
    }

    /// Whether `fields` carry their own valid signature (compared in constant time).
    public static func verify(_ fields: [String: String], key: String, kind: Kind) -> Bool {
        guard let given = fields["sign"] else { return false }
        let expected = sign(fields, key: key, kind: kind)
        guard given.utf8.count == expected.utf8.count else { return false }
        return zip(given.utf8, expected.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
