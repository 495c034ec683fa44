import Checkout
import Devices
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Journal
import Logging
import Retail

/// The local web interface: the shopper page and its assets, the lane's JSON API, and the
/// WebSocket that pushes every new view. Nothing here decides anything: it calls the runtime.
struct WebServer {
    let runtime: LaneRuntime
    let scanner: SimulatedScanner?
    let staff: StaffDirectory
    let journal: LaneJournal
    let receipts: ReceiptComposer
    let demoItems: [DemoItem]
    let assets: URL
    let logger: Logger

    struct DemoItem: Codable, Sendable {
        let code: String
        let name: LocalizedName
        let hint: String?
    }

    struct CodeBody: Decodable { let code: String }
    struct StaffBody: Decodable { let badge: String; let pin: String }

    func router() -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: FileMiddleware(assets.appendingPathComponent("web").path, searchForIndexHtml: true, logger: logger))
        router.add(middleware: FileMiddleware(assets.appendingPathComponent("l10n").path, urlBasePath: "/l10n", logger: logger))

        router.get("/api/state") { _, _ in
            Self.json(await runtime.view())
        }
        router.post("/api/scan") { request, _ in
            guard let scanner else {
                return Self.error(.notFound, "no-simulated-scanner", "This lane has no simulated scanner.")
            }
            let body: CodeBody
            do { body = try await Self.decode(request) } catch { return Self.badRequest(error) }
            switch await scanner.scan(body.code) {
            case .accepted: return Self.json(await runtime.view())
            case .refused(let code, let message) where [RefusalCode.unknownItem.rawValue, RefusalCode.unreadableCode.rawValue].contains(code):
                return Self.error(.unprocessableContent, code, message)
            case .refused(let code, let message):
                return Self.error(.conflict, code, message) // the lane cannot take a scan now
            }
        }
        router.post("/api/lines/:id/remove") { _, context in
            guard let id = context.parameters.get("id", as: Int.self) else {
                return Self.error(.badRequest, "bad-line", "The line id must be a number.")
            }
            return await submit(.removeLine(id: id))
        }
        router.post("/api/pay") { _, _ in await submit(.payRequested) }
        router.post("/api/cancel") { _, _ in await submit(.cancelRequested) }
        router.post("/api/finish") { _, _ in await submit(.finish) }
        router.post("/api/paper") { request, _ in
            struct PaperBody: Decodable { let wanted: Bool }
            let body: PaperBody
            do { body = try await Self.decode(request) } catch { return Self.badRequest(error) }
            return await submit(.paperReceipt(wanted: body.wanted))
        }
        router.post("/api/staff/approve") { request, _ in await staffDecision(request, approve: true) }
        router.post("/api/staff/reject") { request, _ in await staffDecision(request, approve: false) }
        router.get("/api/maintenance/scan-latency") { _, _ in
            Self.json(await runtime.scanLatencySummary())
        }
        router.get("/api/demo/items") { _, _ in
            guard scanner != nil else { return Self.error(.notFound, "not-demo", "Demo items exist only in demo mode.") }
            return Self.json(demoItems)
        }
        // Receipts and e-receipts: /receipts/ID (picture), ID.txt, ID.svg, ID.qr.svg (the e-receipt QR).
        // Sale ids are guessable, so each link carries the sale's integrity code (?c=) as a key.
        router.get("/receipts/:file") { request, context in
            let file = context.parameters.get("file") ?? ""
            let (id, format) = Self.receiptFile(file)
            guard let sale = try? journal.sale(id: id), let code = try? journal.integrityCode(forSale: id),
                  request.uri.queryParameters.get("c") == code else {
                return Self.error(.notFound, "no-such-receipt", "No receipt with that id and code.")
            }
            switch format {
            case "txt":
                return Self.body(receipts.text(for: sale, integrityCode: code), type: "text/plain; charset=utf-8")
            case "qr.svg":
                guard let link = receipts.eReceiptLink(saleID: id, integrityCode: code), let svg = QRCodeSVG.render(link) else {
                    return Self.error(.notFound, "no-e-receipt", "E-receipts are not set up on this lane.")
                }
                return Self.body(svg, type: "image/svg+xml")
            default:
                return Self.body(receipts.svg(for: sale, integrityCode: code), type: "image/svg+xml")
            }
        }
        router.ws("/ws") { _, _ in
            .upgrade()
        } onUpgrade: { inbound, outbound, _ in
            let views = await runtime.views()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await _ in inbound {} // the page only listens; this ends when it leaves
                }
                group.addTask {
                    for await view in views {
                        try await outbound.write(.text(String(decoding: try Self.encoder.encode(StateMessage(state: view)), as: UTF8.self)))
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        return router
    }

    /// "L01-1.txt" -> ("L01-1", "txt"); "L01-1.qr.svg" -> ("L01-1", "qr.svg"); "L01-1" -> ("L01-1", "svg").
    static func receiptFile(_ file: String) -> (id: String, format: String) {
        for format in ["qr.svg", "svg", "txt"] where file.hasSuffix("." + format) {
            return (String(file.dropLast(format.count + 1)), format)
        }
        return (file, "svg")
    }

    static func body(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    struct StateMessage: Encodable {
        let type = "state"
        let state: LaneView
    }

    private func submit(_ event: LaneEvent) async -> Response {
        switch await runtime.submit(event) {
        case .success: return Self.json(await runtime.view())
        case .failure(let refusal): return Self.error(.conflict, refusal.code.rawValue, refusal.message)
        }
    }

    private func staffDecision(_ request: Request, approve: Bool) async -> Response {
        let body: StaffBody
        do { body = try await Self.decode(request) } catch { return Self.badRequest(error) }
        switch await staff.authenticate(badge: body.badge, pin: body.pin) {
        case .denied: return Self.error(.unauthorized, "bad-credentials", "Badge or PIN not recognised.")
        case .locked: return Self.error(.tooManyRequests, "badge-locked", "Too many wrong PINs: this badge is locked for a few minutes.")
        case .granted(let member):
            logger.info("staff decision", metadata: ["badge": "\(member.badge)", "approve": "\(approve)"])
            return await submit(approve ? .staffApproved(staffID: member.badge) : .staffRejected(staffID: member.badge))
        }
    }

    // MARK: - JSON

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func decode<T: Decodable>(_ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 16 * 1024)
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable { let code: String; let message: String }
        let error: Detail
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        json(ErrorBody(error: .init(code: code, message: message)), status: status)
    }

    static func badRequest(_ error: any Error) -> Response {
        let message = (error as? DecodingError)?.readable ?? "the request body must be a small JSON object"
        return Self.error(.badRequest, "bad-request", "Bad request: \(message)")
    }
}
