import Foundation
import _CryptoExtras

/// Alipay's RSA2 signatures, as its open platform documents them: a request is signed over its
/// non-empty parameters but `sign`, sorted by name (ASCII) and joined as "k=v&k=v"; an answer is
/// signed over the exact JSON text of its `<method>_response` member. SHA256withRSA, PKCS#1
/// v1.5 padding, base64.
public enum AlipaySignature {
    /// The text a request's signature covers.
    public static func content(_ parameters: [String: String]) -> String {
        parameters.filter { $0.key != "sign" && !$0.value.isEmpty }
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    public static func sign(_ parameters: [String: String], key: _RSA.Signing.PrivateKey) throws -> String {
        try key.signature(for: Array(content(parameters).utf8), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
    }

    /// Whether `signature` (base64) is Alipay's over exactly these bytes.
    public static func verify(_ bytes: some DataProtocol, signature: String, key: _RSA.Signing.PublicKey) -> Bool {
        guard let raw = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: raw), for: bytes, padding: .insecurePKCS1v1_5)
    }
}
