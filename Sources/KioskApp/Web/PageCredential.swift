import Foundation
import Hummingbird
import Sync

/// On a network listener (`pageNetwork`), every request to the page, its files and its WebSocket
/// included, must carry one of the configured tokens: as HTTP Basic's password (any user name),
/// which a browser asks for once and then sends with every same-origin request, or as
/// `Authorization: Bearer <token>`. Tokens are checked by their SHA-256, in constant time
/// (`SyncAuthenticator`); failures are counted per address and an address that fails too often
/// is refused for a while without its credentials being looked at (`SyncRateLimiter`).
struct PageCredential: RouterMiddleware {
    typealias Context = PageRequestContext
    let authenticator: SyncAuthenticator
    let limiter: SyncRateLimiter

    init(settings: PageNetworkSettings, limiter: SyncRateLimiter = SyncRateLimiter()) {
        authenticator = SyncAuthenticator(tokens: settings.tokens)
        self.limiter = limiter
    }

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = rateLimitKey(context.remoteAddress)
        if limiter.blocked(address) != nil { throw Self.unauthorized }
        let headers = request.headers[values: .authorization].map(Self.asBearer)
        switch authenticator.authenticate(authorization: headers, clientCertificateDER: nil) {
        case .success:
            limiter.recordSuccess(address)
            return try await next(request, context)
        case .failure(let refusal):
            // Never the header: it holds what may be a token.
            context.logger.warning("page request without a valid token", metadata: ["address": "\(address)", "reason": "\(refusal)"])
            limiter.recordFailure(address)
            throw Self.unauthorized
        }
    }

    static let unauthorized = Unauthorized()

    /// 401 with the Basic challenge, so that a browser asks for the token.
    struct Unauthorized: HTTPResponseError {
        var status: HTTPResponse.Status { .unauthorized }
        func response(from request: Request, context: some RequestContext) throws -> Response {
            var response = try APIError(.unauthorized, .unauthorized, "This kiosk needs its page token.").response(from: request, context: context)
            response.headers[.wwwAuthenticate] = #"Basic realm="kiosk", charset="UTF-8""#
            return response
        }
    }

    /// "Basic base64(user:token)" -> "Bearer token"; anything else unchanged (the authenticator
    /// refuses what is not a well-formed bearer token).
    static func asBearer(_ header: String) -> String {
        let scheme = "basic "
        guard header.prefix(scheme.count).lowercased() == scheme,
              let decoded = Data(base64Encoded: String(header.dropFirst(scheme.count))),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return header }
        return "Bearer " + text[text.index(after: colon)...]
    }
}
