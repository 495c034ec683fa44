/// Scanner data as it may be journaled, logged or shown. A rejected scan can be a wallet payment
/// code that is almost valid (a stray space or tab, a digit too many, an AIM prefix): a bearer
/// credential that the journal's hash chain would otherwise keep forever. So every rejected
/// scan's text is cleaned here, once, before it enters the lane.
public enum ScanRedaction {
    /// Runs of this many digits or more are masked: longer than any GTIN (14), as short as the
    /// shortest wallet code that has a digit missing.
    public static let maskedRunLength = 15

    /// `text` without control characters or surrounding white space, every run of 15 or more
    /// digits masked as a wallet code is ("13*********5678"), at most `limit` characters ("…" after).
    public static func redact(_ text: some StringProtocol, limit: Int = 64) -> String {
        let visible = text.unicodeScalars.filter { $0.properties.generalCategory != .control }
        let trimmed = String(String.UnicodeScalarView(visible)).trimmingWhiteSpace()
        var scalars = Array(trimmed.unicodeScalars)
        var start = 0
        while start < scalars.count {
            guard isDigit(scalars[start]) else { start += 1; continue }
            var end = start
            while end < scalars.count, isDigit(scalars[end]) { end += 1 }
            if end - start >= maskedRunLength {
                // First 2 and last 4 stay, as on a receipt; the middle is what makes the code.
                for i in (start + 2)..<(end - 4) { scalars[i] = "*" }
            }
            start = end
        }
        let bounded = String(String.UnicodeScalarView(scalars.prefix(limit)))
        return scalars.count > limit ? bounded + "…" : bounded
    }

    /// Any decimal digit, not only ASCII: fullwidth digits are digits to a wallet gateway too.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.numericType == .decimal
    }
}

fileprivate extension String {
    func trimmingWhiteSpace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
