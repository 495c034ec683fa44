/// Integer arithmetic for report figures: no floating point between the database and the page.
enum ReportArithmetic {
    /// numerator / denominator (> 0), rounded half to even (banker's rounding): 2.5 -> 2, 3.5 -> 4,
    /// -2.5 -> -2. Used for the average basket, so a chain's many averages do not drift upwards.
    static func dividedHalfEven(_ numerator: Int64, by denominator: Int64) -> Int64 {
        precondition(denominator > 0, "dividing by \(denominator)")
        let magnitude = numerator.magnitude
        let divisor = denominator.magnitude
        var quotient = magnitude / divisor
        let twiceRemainder = (magnitude % divisor) * 2
        if twiceRemainder > divisor || (twiceRemainder == divisor && quotient % 2 == 1) { quotient += 1 }
        return numerator < 0 ? -Int64(quotient) : Int64(quotient)
    }

    /// part / whole in basis points (1/100 of a percent), half to even; 0 when whole is 0.
    static func basisPoints(_ part: Int64, of whole: Int64) -> Int64 {
        whole == 0 ? 0 : dividedHalfEven(part * 10_000, by: whole)
    }

    /// "13.00%" from 1300 basis points.
    static func percentText(basisPoints: Int64) -> String {
        let magnitude = basisPoints.magnitude
        return (basisPoints < 0 ? "-" : "") + String(magnitude / 100) + "." + zeroPadded(Int(magnitude % 100), 2) + "%"
    }

    /// `value` (>= 0) in at least `width` digits: 7 -> "07".
    static func zeroPadded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
