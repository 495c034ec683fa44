import Hummingbird
import HummingbirdWebSocket

/// What a technician reads off a running lane.
struct MaintenanceRoutes {
    let runtime: LaneRuntime

    func routes() -> RouteCollection<BasicWebSocketRequestContext> {
        let routes = RouteCollection(context: BasicWebSocketRequestContext.self)
        routes.get("/api/maintenance/scan-latency") { _, _ in JSONBody(await runtime.scanLatencySummary()) }
        return routes
    }
}
