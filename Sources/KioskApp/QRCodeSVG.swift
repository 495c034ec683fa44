import Receipts

/// A QR code alone as an SVG, for the page's e-receipt: one path of dark modules, quiet zone 4.
enum QRCodeSVG {
    static func render(_ text: String) -> String? {
        guard let matrix = try? QRCode.matrix(for: text, errorCorrection: .medium) else { return nil }
        let size = matrix.width + 8
        var path = ""
        for y in 0..<matrix.height {
            var x = 0
            while x < matrix.width {
                guard matrix[x: x, y: y] else { x += 1; continue }
                let start = x
                while x < matrix.width && matrix[x: x, y: y] { x += 1 }
                path += "M\(start + 4) \(y + 4)h\(x - start)v1h-\(x - start)z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" shape-rendering="crispEdges">\
            <rect width="\(size)" height="\(size)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
