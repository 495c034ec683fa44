import Checkout
import Foundation
import Hummingbird
import Sync

/// The web API's own error codes (the lane's refusals are `RefusalCode`s). The page translates
/// both as `error.<code>`; a test checks every code has a text in every language.
enum APIErrorCode: String, CaseIterable, Sendable {
    case badRequest = "bad-request"
    case badLine = "bad-line"
    case badCredentials = "bad-credentials"
    case badgeLocked = "badge-locked"
    /// Too many wrong PINs across the lane, whatever the badges: every login waits a while.
    case staffLocked = "staff-locked"
    case noSuchReceipt = "no-such-receipt"
    case noEReceipt = "no-e-receipt"
    /// The page guard (PageGuard.swift): a request not meant for this kiosk, or not from its page.
    case foreignHost = "foreign-host"
    case foreignOrigin = "foreign-origin"
    case notJSON = "not-json"
    /// A network listener's request without the page credential (PageCredential.swift).
    case unauthorized = "unauthorized"
    /// Too many wrong receipt links from one address.
    case tooManyAttempts = "too-many-attempts"
    /// Maintenance mode (StaffModeRoutes.swift): the session is gone or timed out.
    case staffSessionEnded = "staff-session-ended"
    case laneBusy = "lane-busy"
    case noSuchSale = "no-such-sale"
    case noUnresolvedPayment = "no-unresolved-payment"
    /// The journal could not record a staff action, so it was not done.
    case notRecorded = "not-recorded"
}

/// An error answer: `{"error": {"code", "message"}}` with its HTTP status. Thrown by handlers.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// For 429: when the client may try again.
    var retryAfter: Duration?

    init(_ status: HTTPResponse.Status, _ code: APIErrorCode, _ message: String, retryAfter: Duration? = nil) {
        self.init(status: status, code: code.rawValue, message: message)
        self.retryAfter = retryAfter
    }

    /// The lane refused: 409, it cannot take this now. Unknown and unreadable scans are 422.
    init(_ refusal: Refusal) {
        let unprocessable: Set<RefusalCode> = [.unknownItem, .unreadableCode]
        self.init(status: unprocessable.contains(refusal.code) ? .unprocessableContent : .conflict,
                  code: refusal.code.rawValue, message: refusal.message)
    }

    init(status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// A body that is not the small JSON object the route expects.
    static func badRequest(_ error: any Error) -> APIError {
        let message = (error as? DecodingError)?.readable ?? "the request body must be a small JSON object"
        return APIError(.badRequest, .badRequest, "Bad request: \(message)")
    }

    struct Body: Encodable, Sendable {
        struct Detail: Encodable, Sendable { let code: String; let message: String }
        let error: Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONBody(Body(error: .init(code: code, message: message)), status: status).response(from: request, context: context)
        if let retryAfter { response.headers[.retryAfter] = SyncRateLimiter.retryAfter(retryAfter) }
        return response
    }
}

/// A typed JSON answer, keys sorted (stable bytes for tests and caches).
struct JSONBody<Value: Encodable & Sendable>: ResponseGenerator {
    let value: Value
    var status: HTTPResponse.Status = .ok

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try Self.encoder.encode(value))))
    }
}

/// A text or SVG answer.
struct TextBody: ResponseGenerator {
    let text: String
    let type: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

extension Request {
    /// The body as `T`, at most 16 KiB; anything else is a bad request.
    func decodeJSON<T: Decodable>(as type: T.Type = T.self) async throws -> T {
        do {
            let buffer = try await body.collect(upTo: 16 * 1024)
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest(error)
        }
    }
}
