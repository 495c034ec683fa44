import Checkout
import Hummingbird
import HummingbirdWebSocket

/// What the shopper page calls: the lane's state, and the shopper's own actions.
struct ShopperRoutes {
    let runtime: LaneRuntime

    func routes() -> RouteCollection<PageRequestContext> {
        let routes = RouteCollection(context: PageRequestContext.self)
        routes.get("/api/state") { _, _ in JSONBody(await runtime.view()) }
        routes.post("/api/lines/:id/remove") { _, context in
            guard let id = context.parameters.get("id", as: Int.self) else {
                throw APIError(.badRequest, .badLine, "The line id must be a number.")
            }
            return try await submit(.removeLine(id: id))
        }
        routes.post("/api/pay") { _, _ in try await submit(.payRequested) }
        routes.post("/api/cancel") { _, _ in try await submit(.cancelRequested) }
        routes.post("/api/finish") { _, _ in try await submit(.finish) }
        routes.post("/api/paper") { request, _ in
            struct PaperBody: Decodable { let wanted: Bool }
            return try await submit(.paperReceipt(wanted: try await request.decodeJSON(as: PaperBody.self).wanted))
        }
        return routes
    }

    func submit(_ event: LaneEvent) async throws -> JSONBody<LaneView> {
        try await runtime.submit(event).mapError(APIError.init).get()
        return JSONBody(await runtime.view())
    }
}
