import Devices

extension ScannedCode {
    /// AIM identifiers that make data a GS1 element string: GS1-128, GS1 DataBar, GS1 QR,
    /// GS1 DataMatrix.
    static let gs1Identifiers: Set<String> = ["]C1", "]e0", "]Q3", "]d2"]

    /// What the interpreter is given. A scanner that reports the symbology apart from the data
    /// (the camera, HID POS scanners) sends GS1 data without the FNC1 that marks it as GS1: the
    /// identifier goes back in front, so "]C1" + "0109501101530003..." reads as a GS1-128 code and
    /// not as 30 digits. Other data goes as it is (a staff badge in a QR code must stay "STAFF:...").
    var interpretable: String {
        guard let symbology, Self.gs1Identifiers.contains(symbology), !data.hasPrefix("]") else { return data }
        return symbology + data
    }
}
