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
        switch await shopper.runtime.authenticateStaff(badge: body.badge, pin: body.pin) {
        case .denied:
            throw APIError(.unauthorized, .badCredentials, "Badge or PIN not recognised.")
        case .locked:
            throw APIError(.tooManyRequests, .badgeLocked, "Too many wrong PINs: this badge is locked for a few minutes.")
        case .laneLocked:
            throw APIError(.tooManyRequests, .staffLocked, "Too many wrong PINs at this lane: staff login is paused for a while.")
        case .granted(let member):
            logger.info("staff decision", metadata: ["badge": "\(member.badge)", "approve": "\(approve)"])
            return try await shopper.submit(approve ? .staffApproved(staffID: member.badge) : .staffRejected(staffID: member.badge))
        }
    }
}
