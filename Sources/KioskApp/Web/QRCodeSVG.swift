import Receipts

/// The e-receipt link as a QR code alone, as an SVG for the page.
enum QRCodeSVG {
    static func render(_ text: String) -> String? {
        guard let matrix = try? QRCode.matrix(for: text, errorCorrection: .medium) else { return nil }
        return SVGPreview.standalone(matrix)
    }
}
