import Hummingbird
import HummingbirdWebSocket
import Journal
import Sync

/// Receipts and e-receipts: /receipts/ID (picture), ID.txt, ID.svg, ID.qr.svg (the e-receipt QR).
/// Sale ids are guessable, so each link carries the sale's secret (?k=, ReceiptLinkKey) as a key.
/// Wrong keys are counted per address: an address that fails too often gets 429 for a while on
/// every receipt, right key or not, so that guessing learns nothing (other addresses are unaffected).
struct ReceiptRoutes {
    let journal: LaneJournal
    let receipts: ReceiptComposer
    let limiter: SyncRateLimiter

    init(journal: LaneJournal, receipts: ReceiptComposer, limiter: SyncRateLimiter = SyncRateLimiter(policy: Self.guessing)) {
        self.journal = journal
        self.receipts = receipts
        self.limiter = limiter
    }

    /// 20 wrong links in a minute close receipts to that address for 5 minutes; at most 4096
    /// addresses remembered. A shopper mistyping a link never gets near it; 128-bit secrets make
    /// guessing hopeless anyway, and this keeps it from costing the lane a journal read per try.
    static let guessing = SyncRateLimiter.Policy(maxFailures: 20, window: .seconds(60), coolDown: .seconds(300), capacity: 4096)

    func routes() -> RouteCollection<PageRequestContext> {
        let routes = RouteCollection(context: PageRequestContext.self)
        routes.get("/receipts/:file") { request, context in
            let address = rateLimitKey(context.remoteAddress)
            if let wait = limiter.blocked(address) {
                throw APIError(.tooManyRequests, .tooManyAttempts, "Too many wrong receipt links from this address; try again later.",
                               retryAfter: wait)
            }
            do {
                return try receipt(file: context.parameters.get("file") ?? "", key: request.uri.queryParameters.get("k"))
            } catch let error as APIError where error.code == APIErrorCode.noSuchReceipt.rawValue {
                // Not the path: it holds what the client sent as a key.
                context.logger.notice("wrong receipt link", metadata: ["address": "\(address)"])
                limiter.recordFailure(address)
                throw error
            }
        }
        return routes
    }

    func receipt(file: String, key: String?) throws -> TextBody {
        let (id, format) = Self.receiptFile(file)
        // The key is checked before the journal is read: a guess costs no look-up.
        guard receipts.linkKey.opens(saleID: id, with: key), let sale = try? journal.sale(id: id) else {
            throw APIError(.notFound, .noSuchReceipt, "No receipt with that id and key.")
        }
        let code = try? journal.integrityCode(forSale: id)
        switch format {
        case "txt":
            return TextBody(text: receipts.text(for: sale, integrityCode: code), type: "text/plain; charset=utf-8")
        case "qr.svg":
            guard let link = receipts.eReceiptLink(saleID: id), let svg = QRCodeSVG.render(link) else {
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
