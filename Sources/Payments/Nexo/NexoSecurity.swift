import _CryptoExtras
import Crypto
import Foundation

/// Adyen's local encryption for Terminal API messages: the message travels as a NexoBlob
/// (AES-256-CBC) with a SecurityTrailer (key identifier and version, the nonce, and an
/// HMAC-SHA256 of the plain message). Keys come from the passphrase set for the terminal, as
/// Adyen documents: PBKDF2-HMAC-SHA1, salt "AdyenNexoV1Salt", 4000 rounds, 80 bytes: the HMAC
/// key, the cipher key, then an IV that each message's random nonce is XORed into.
public struct NexoSecurity: Sendable {
    public struct Keys: Sendable, Equatable {
        let hmacKey: [UInt8]
        let cipherKey: [UInt8]
        let iv: [UInt8]

        public init(passphrase: String) throws {
            let material = try KDF.Insecure.PBKDF2.deriveKey(from: Array(passphrase.utf8), salt: Array("AdyenNexoV1Salt".utf8),
                                                             using: .insecureSHA1, outputByteCount: 80, unsafeUncheckedRounds: 4000)
            let bytes = material.withUnsafeBytes { Array($0) }
            hmacKey = Array(bytes[0..<32])
            cipherKey = Array(bytes[32..<64])
            iv = Array(bytes[64..<80])
        }
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let why: String
        public var description: String { "nexo encryption: \(why)" }
    }

    let keyIdentifier: String
    let keyVersion: Int
    let keys: Keys

    public init(keyIdentifier: String, keyVersion: Int, passphrase: String) throws {
        self.keyIdentifier = keyIdentifier
        self.keyVersion = keyVersion
        self.keys = try Keys(passphrase: passphrase)
    }

    /// `message`: a whole plain message, {"SaleToPOIRequest": {...}}. Returns the same message
    /// with its body replaced by NexoBlob and SecurityTrailer (the header stays readable).
    func seal(_ message: Data, nonce: [UInt8]) throws -> Data {
        guard let outer = try JSONSerialization.jsonObject(with: message) as? [String: Any], outer.count == 1,
              let (name, body) = outer.first, let header = (body as? [String: Any])?["MessageHeader"] else {
            throw Failure(why: "not a nexo message")
        }
        let iv = zip(keys.iv, nonce).map { $0 ^ $1 }
        let blob = try AES._CBC.encrypt(message, using: SymmetricKey(data: keys.cipherKey), iv: try AES._CBC.IV(ivBytes: iv))
        let hmac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: keys.hmacKey))
        let trailer: [String: Any] = ["AdyenCryptoVersion": 1, "KeyIdentifier": keyIdentifier, "KeyVersion": keyVersion,
                                      "Nonce": Data(nonce).base64EncodedString(), "Hmac": Data(hmac).base64EncodedString()]
        return try JSONSerialization.data(withJSONObject: [name: ["MessageHeader": header, "NexoBlob": blob.base64EncodedString(),
                                                                  "SecurityTrailer": trailer]], options: [.sortedKeys])
    }

    /// The plain message inside a sealed one, once its HMAC checks; anything else is refused.
    func open(_ sealed: Data) throws(Failure) -> Data {
        guard let outer = try? JSONSerialization.jsonObject(with: sealed) as? [String: Any], outer.count == 1,
              let body = outer.first?.value as? [String: Any] else { throw Failure(why: "not a nexo message") }
        guard let blobText = body["NexoBlob"] as? String, let blob = Data(base64Encoded: blobText),
              let trailer = body["SecurityTrailer"] as? [String: Any] else { throw Failure(why: "answer not encrypted") }
        guard trailer["KeyIdentifier"] as? String == keyIdentifier, trailer["KeyVersion"] as? Int == keyVersion else {
            throw Failure(why: "answer under another key")
        }
        guard let nonceText = trailer["Nonce"] as? String, let nonce = Data(base64Encoded: nonceText), nonce.count == 16,
              let hmacText = trailer["Hmac"] as? String, let hmac = Data(base64Encoded: hmacText) else {
            throw Failure(why: "SecurityTrailer incomplete")
        }
        let iv = zip(keys.iv, nonce).map { $0 ^ $1 }
        let plain: Data
        do {
            plain = try AES._CBC.decrypt(blob, using: SymmetricKey(data: keys.cipherKey), iv: try AES._CBC.IV(ivBytes: iv))
        } catch {
            throw Failure(why: "NexoBlob does not decrypt")
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(hmac, authenticating: plain, using: SymmetricKey(data: keys.hmacKey)) else {
            throw Failure(why: "HMAC does not match")
        }
        return plain
    }
}
