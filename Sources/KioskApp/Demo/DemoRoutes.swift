import Devices
import Hummingbird
import HummingbirdWebSocket
import Retail

/// Demo and training mode only (`kiosk run --demo`): scans injected by the page's demo panel
/// and `kiosk scan`, and the items it offers. Without --demo these routes do not exist.
struct DemoRoutes {
    let runtime: LaneRuntime
    let scanner: SimulatedScanner
    let items: [DemoItem]

    struct DemoItem: Codable, Sendable {
        let code: String
        let name: LocalizedName
        let hint: String?
    }

    func routes() -> RouteCollection<PageRequestContext> {
        let routes = RouteCollection(context: PageRequestContext.self)
        routes.post("/api/scan") { request, _ in
            struct CodeBody: Decodable { let code: String }
            let body = try await request.decodeJSON(as: CodeBody.self)
            switch await scanner.scan(body.code) {
            case .accepted:
                return JSONBody(await runtime.view())
            case .refused(let code, let message):
                // Unknown and unreadable codes are the shopper's (422); anything else is the lane
                // not taking a scan now (409).
                let unprocessable = ["unknown-item", "unreadable-code"].contains(code)
                throw APIError(status: unprocessable ? .unprocessableContent : .conflict, code: code, message: message)
            }
        }
        routes.get("/api/demo/items") { _, _ in JSONBody(items) }
        return routes
    }
}
