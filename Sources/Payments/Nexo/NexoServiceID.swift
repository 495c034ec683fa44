import Crypto

/// nexo's ServiceID: at most 10 characters, unique per request on one terminal. The payment's is
/// derived from the kiosk's attempt id, so after a restart the kiosk can name the payment it asks
/// about without having stored anything; other requests (status, abort) take a fresh one.
public enum NexoServiceID {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

    /// 10 base-36 characters of SHA-256(attempt id): 51 bits, so two attempts of one lane collide
    /// with negligible probability.
    public static func payment(attemptID: String) -> String {
        let digest = Array(SHA256.hash(data: Array(attemptID.utf8)))
        var value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var characters: [Character] = []
        for _ in 0..<10 {
            characters.append(alphabet[Int(value % 36)])
            value /= 36
        }
        return String(characters)
    }

    /// A fresh ServiceID for a request that is not a payment: "s" and 9 lower-case characters, so
    /// it never equals a payment's (upper case and digits only).
    public static func fresh<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let lower = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        return "s" + String((0..<9).map { _ in lower[Int(generator.next() % 36)] })
    }
}
