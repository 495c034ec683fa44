/// The receipt as plain UTF-8 text, one line per printed row, for screens, e-receipts and
/// tests. Double-size rows print at normal size here, centred the same way.
public enum TextRenderer {
    public static func render(_ receipt: Receipt, profile: PrinterProfile, labels: ReceiptLabels = .english) -> String {
        let columns = max(profile.columns, ReceiptLayout.minimumColumns)
        return ReceiptLayout.lines(for: receipt, profile: profile, labels: labels)
            .map { ColumnLayout.align($0.text, $0.alignment, width: columns) + "\n" }
            .joined()
    }
}
