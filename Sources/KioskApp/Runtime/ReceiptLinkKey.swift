import Crypto
import Foundation
import Journal
import Retail
import Sync

/// The key behind receipt links. Sale ids are guessable, so a link to a receipt carries a secret:
/// HMAC-SHA256(key, sale id) cut to 128 bits, base64url (22 characters). The key is 32 random
/// bytes in the state folder (`receipt-link.key`, 0600, made like the lane key); the secrets are
/// never stored, and so never reach the journal head office pulls. The integrity code printed on
/// the receipt is another thing: 32 bits that tie the paper to the journal, public by design.
struct ReceiptLinkKey: Sendable {
    static let fileName = "receipt-link.key"
    static let what = "receipt-link key"
    private let key: [UInt8]

    init(bytes: [UInt8]) {
        key = bytes
    }

    /// The key from `stateDirectory`, made there on first use.
    static func loadOrCreate(stateDirectory: URL) throws -> ReceiptLinkKey {
        let path = stateDirectory.appendingPathComponent(fileName).path
        return try PrivateFile.loadOrCreate(fileName, in: stateDirectory, what: what, parse: { try parse($0, path: path) }) {
            let bytes = PrivateFile.randomKey()
            return (ReceiptLinkKey(bytes: bytes), Array((#"{"v": 1, "key": "\#(Data(bytes).base64EncodedString())"}"# + "\n").utf8))
        }
    }

    private static func parse(_ data: Data, path: String) throws -> ReceiptLinkKey {
        struct File: Decodable { let v: Int; let key: String }
        guard let file = try? JSONDecoder().decode(File.self, from: data), file.v == 1,
              let bytes = Data(base64Encoded: file.key), bytes.count == 32 else {
            throw PrivateFileError(what: what, path: path, problem: "cannot be used: not a version 1 key file")
        }
        return ReceiptLinkKey(bytes: Array(bytes))
    }

    /// The sale's link secret: 22 base64url characters.
    func secret(forSale id: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(id.utf8), using: SymmetricKey(data: key))
        return Base64URL.encode(Array(Array(mac).prefix(16)))
    }

    /// Whether `secret` is the sale's, compared in constant time.
    func opens(saleID: String, with secret: String?) -> Bool {
        guard let secret else { return false }
        return constantTimeEqual(Array(secret.utf8), Array(self.secret(forSale: saleID).utf8))
    }
}
