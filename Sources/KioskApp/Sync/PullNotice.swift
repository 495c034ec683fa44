import Hummingbird
import Sync

/// Notes when head office last pulled events (a GET /sync/v1/events answered 200), for the
/// maintenance screen. Since the kiosk started: the journal keeps what was pulled, not when.
struct PullNotice: RouterMiddleware {
    typealias Context = SyncRequestContext
    let runtime: LaneRuntime

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        if request.method == .get, request.uri.path == "/sync/v1/events", response.status == .ok { await runtime.notePull() }
        return response
    }
}
