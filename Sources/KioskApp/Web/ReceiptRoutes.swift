import Hummingbird
import HummingbirdWebSocket
import Journal

/// Receipts and e-receipts: /receipts/ID (picture), ID.txt, ID.svg, ID.qr.svg (the e-receipt QR).
/// Sale ids are guessable, so each link carries the sale's integrity code (?c=) as a key.
struct ReceiptRoutes {
    let journal: LaneJournal
    let receipts: ReceiptComposer

    func routes() -> RouteCollection<BasicWebSocketRequestContext> {
        let routes = RouteCollection(context: BasicWebSocketRequestContext.self)
        routes.get("/receipts/:file") { request, context in
            try receipt(file: context.parameters.get("file") ?? "", key: request.uri.queryParameters.get("c"))
        }
        return routes
    }

    func receipt(file: String, key: String?) throws -> TextBody {
        let (id, format) = Self.receiptFile(file)
        guard let sale = try? journal.sale(id: id), let code = try? journal.integrityCode(forSale: id), key == code else {
            throw APIError(.notFound, .noSuchReceipt, "No receipt with that id and code.")
        }
        switch format {
        case "txt":
            return TextBody(text: receipts.text(for: sale, integrityCode: code), type: "text/plain; charset=utf-8")
        case "qr.svg":
            guard let link = receipts.eReceiptLink(saleID: id, integrityCode: code), let svg = QRCodeSVG.render(link) else {
                throw APIError(.notFound, .noEReceipt, "E-receipts are not set up on this lane.")
            }
            return TextBody(text: svg, type: "image/svg+xml")
        default:
            return TextBody(text: receipts.svg(for: sale, integrityCode: code), type: "image/svg+xml")
        }
    }

    /// "L01-1.txt" -> ("L01-1", "txt"); "L01-1.qr.svg" -> ("L01-1", "qr.svg"); "L01-1" -> ("L01-1", "svg").
    static func receiptFile(_ file: String) -> (id: String, format: String) {
        for format in ["qr.svg", "svg", "txt"] where file.hasSuffix("." + format) {
            return (String(file.dropLast(format.count + 1)), format)
        }
        return (file, "svg")
    }
}
