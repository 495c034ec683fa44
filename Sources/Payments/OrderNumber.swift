import Crypto

/// A wallet order's number (out_trade_no) from the payment attempt id, so the kiosk can always
/// ask about the order by the attempt alone: the id itself when the provider's rules allow it
/// (letters, digits and `extra`, up to `max`), else "K" and 30 hex digits of its SHA-256.
func walletOrderNumber(_ attemptID: String, max: Int, extra: Set<Character>) -> String {
    if attemptID.utf8.count <= max, attemptID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) }) {
        return attemptID
    }
    return "K" + SHA256.hash(data: Array(attemptID.utf8)).prefix(15).map { String(format: "%02x", $0) }.joined()
}
