import Hummingbird
import HummingbirdWebSocket
import Journal

/// The maintenance screen's API: badge + PIN open a session (`token`), and every action sends
/// the token back in its JSON body. Behind the page guard like every POST (Host, Origin, JSON),
/// and the login behind the staff lockout. The runtime journals each action with the badge.
struct StaffModeRoutes {
    let runtime: LaneRuntime

    func routes() -> RouteCollection<PageRequestContext> {
        let routes = RouteCollection(context: PageRequestContext.self)
        routes.post("/api/staff-mode/open") { request, _ in
            struct Login: Decodable { let badge: String; let pin: String }
            let login = try await request.decodeJSON(as: Login.self)
            let token = try await answer { () throws(StaffModeRefusal) in try await runtime.openStaffMode(badge: login.badge, pin: login.pin) }
            return JSONBody(Opened(token: token, status: try await status()))
        }
        routes.post("/api/staff-mode/status") { request, _ in
            let token = try await token(of: request)
            try await answer { () throws(StaffModeRefusal) in _ = try await runtime.staffSession(token: token) }
            return JSONBody(try await status())
        }
        routes.post("/api/staff-mode/close") { request, _ in
            let token = try await token(of: request)
            try await answer { () throws(StaffModeRefusal) in try await runtime.leaveStaffMode(token: token) }
            return JSONBody(await runtime.view())
        }
        routes.post("/api/staff-mode/lane") { request, _ in
            struct Body: Decodable { let token: String; let open: Bool }
            let body = try await request.decodeJSON(as: Body.self)
            try await answer { () throws(StaffModeRefusal) in try await runtime.setLane(open: body.open, token: body.token) }
            return JSONBody(try await status())
        }
        routes.post("/api/staff-mode/test-print") { request, _ in
            try await printed(request, feed: false)
        }
        routes.post("/api/staff-mode/feed") { request, _ in
            try await printed(request, feed: true)
        }
        routes.post("/api/staff-mode/reprint") { request, _ in
            struct Body: Decodable { let token: String; let saleID: String? }
            let body = try await request.decodeJSON(as: Body.self)
            let copy = try await answer { () throws(StaffModeRefusal) in try await runtime.printCopy(saleID: body.saleID, token: body.token) }
            return JSONBody(Outcome(result: copy.result, saleID: copy.saleID))
        }
        routes.post("/api/staff-mode/payment/query") { request, _ in
            let token = try await token(of: request)
            let result = try await answer { () throws(StaffModeRefusal) in try await runtime.queryUnresolvedPayment(token: token) }
            return JSONBody(Outcome(result: result))
        }
        routes.post("/api/staff-mode/payment/decide") { request, _ in
            struct Body: Decodable { let token: String; let taken: Bool }
            let body = try await request.decodeJSON(as: Body.self)
            // "Not taken" reverses what the provider charged; how it ended is journaled (payment-reversed).
            _ = try await answer { () throws(StaffModeRefusal) in try await runtime.decideUnresolvedPayment(taken: body.taken, token: body.token) }
            return JSONBody(try await status())
        }
        routes.post("/api/staff-mode/z-report") { request, _ in
            let token = try await token(of: request)
            let z = try await answer { () throws(StaffModeRefusal) in try await runtime.printZReport(token: token) }
            return JSONBody(Outcome(result: z.result, number: z.report.number))
        }
        routes.post("/api/staff-mode/verify-journal") { request, _ in
            let token = try await token(of: request)
            let verified = try await answer { () throws(StaffModeRefusal) in try await runtime.verifyJournal(token: token) }
            return JSONBody(Outcome(result: verified.result, entries: verified.entries))
        }
        return routes
    }

    struct Opened: Encodable, Sendable {
        let token: String
        let status: MaintenanceStatus
    }

    /// What an action came to, as codes.
    struct Outcome: Encodable, Sendable {
        let result: String
        var saleID: String? = nil
        var entries: Int64? = nil
        var number: Int? = nil
    }

    private func printed(_ request: Request, feed: Bool) async throws -> JSONBody<Outcome> {
        let token = try await token(of: request)
        return JSONBody(Outcome(result: try await answer { () throws(StaffModeRefusal) in
            try await runtime.printerCheck(feed: feed, token: token)
        }))
    }

    private func token(of request: Request) async throws -> String {
        struct Body: Decodable { let token: String }
        return try await request.decodeJSON(as: Body.self).token
    }

    private func status() async throws -> MaintenanceStatus {
        try await runtime.maintenanceStatus()
    }

    /// Runs a staff action, turning the runtime's refusal into the API's answer.
    private func answer<T: Sendable>(_ action: () async throws(StaffModeRefusal) -> T) async throws -> T {
        do { return try await action() } catch { throw Self.apiError(error) }
    }

    static func apiError(_ refusal: StaffModeRefusal) -> APIError {
        switch refusal {
        case .login(let answer): return StaffRoutes.loginError(answer)
        case .noSession: return APIError(.unauthorized, .staffSessionEnded, "The maintenance session has ended: log in again.")
        case .expired: return APIError(.unauthorized, .staffSessionEnded, "The maintenance session timed out: log in again.")
        case .laneBusy: return APIError(.conflict, .laneBusy, "A shopper is using the lane: it can be closed once it is idle.")
        case .noSuchSale: return APIError(.notFound, .noSuchSale, "No sale with that id.")
        case .noUnresolvedPayment: return APIError(.conflict, .noUnresolvedPayment, "No payment is waiting for a staff decision.")
        case .notRecorded: return APIError(.serviceUnavailable, .notRecorded, "The lane cannot record this right now: nothing was done.")
        }
    }
}
