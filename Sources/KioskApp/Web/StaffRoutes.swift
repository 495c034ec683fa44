import Checkout
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Staff decisions at the lane: badge and PIN, then approve or reject what the lane waits for.
struct StaffRoutes {
    let shopper: ShopperRoutes
    let logger: Logger

    func routes() -> RouteCollection<PageRequestContext> {
        let routes = RouteCollection(context: PageRequestContext.self)
        routes.post("/api/staff/approve") { request, _ in try await decide(request, approve: true) }
        routes.post("/api/staff/reject") { request, _ in try await decide(request, approve: false) }
        return routes
    }

    private func decide(_ request: Request, approve: Bool) async throws -> JSONBody<LaneView> {
        struct StaffBody: Decodable { let badge: String; let pin: String }
        let body = try await request.decodeJSON(as: StaffBody.self)
        let answer = await shopper.runtime.authenticateStaff(badge: body.badge, pin: body.pin)
        guard case .granted(let member) = answer else { throw Self.loginError(answer) }
        logger.info("staff decision", metadata: ["badge": "\(member.badge)", "approve": "\(approve)"])
        return try await shopper.submit(approve ? .staffApproved(staffID: member.badge) : .staffRejected(staffID: member.badge))
    }

    /// A login that was not granted, as the API answers it (the approval form and maintenance mode).
    static func loginError(_ answer: StaffDirectory.Answer) -> APIError {
        switch answer {
        case .denied, .granted:
            return APIError(.unauthorized, .badCredentials, "Badge or PIN not recognised.")
        case .locked:
            return APIError(.tooManyRequests, .badgeLocked, "Too many wrong PINs: this badge is locked for a few minutes.")
        case .laneLocked:
            return APIError(.tooManyRequests, .staffLocked, "Too many wrong PINs at this lane: staff login is paused for a while.")
        }
    }
}
