/// The in-store variable-measure layout `PP IIIII VVVVV C`: PP = 02 or 20-29, item reference I,
/// price V in minor units, check digit C. Scanning and catalog import share it so that a code
/// the catalog accepts is a code the scanner resolves.
///
/// Rules look at the EAN-13 form of the GTIN, so a 12-digit UPC-A `2...` (the EAN-13 `02...`)
/// is read the same whichever way the scanner sends it.
enum InStoreCode {
    /// The 13 digits of a GTIN that has an EAN-13 form (EAN-13, UPC-A, GTIN-14 with indicator 0).
    static func ean13(_ gtin: GTIN) -> Substring? {
        gtin.digits.first == "0" ? gtin.digits.dropFirst() : nil
    }

    /// True for prefixes 02 and 20-29, whose last five digits before the check digit are a price.
    static func isPriceEmbedded(_ gtin: GTIN) -> Bool {
        guard let code = ean13(gtin) else { return false }
        return code.hasPrefix("02") || code.hasPrefix("2")
    }

    /// True for prefix 04, which this store gives to member cards.
    static func isMemberCard(_ gtin: GTIN) -> Bool {
        ean13(gtin)?.hasPrefix("04") ?? false
    }

    /// The price digits of a price-embedded code, in minor units.
    static func price(_ gtin: GTIN) -> Int64 {
        Int64(gtin.digits.dropFirst(8).prefix(5))!
    }

    /// The code with its price digits zeroed and the check digit recomputed: how the catalog lists it.
    static func key(_ gtin: GTIN) -> GTIN {
        try! GTIN(GTIN.appendingCheckDigit(String(gtin.digits.prefix(8)) + "00000"))
    }
}
