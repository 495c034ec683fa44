import Hummingbird

/// Which requests the page's listener serves at all. Any web page open in a browser on the
/// kiosk machine can make requests to it, so:
/// - the Host must name this listener (a DNS-rebinding page arrives with its own name);
/// - a request that changes anything (every method but GET and HEAD) and the WebSocket upgrade
///   must not carry a foreign Origin. No Origin at all is allowed: browsers always send one on
///   cross-origin POSTs and WebSocket handshakes, so only non-browser clients (`kiosk scan`,
///   curl, scripts on the machine) send none, and those could forge any Origin anyway;
/// - such a request must be `application/json`: that makes a cross-site POST a request that
///   needs a CORS preflight, which this listener never grants (it answers no OPTIONS).
/// Pure: the middleware below feeds it the request's fields.
struct PageRequestPolicy: Sendable {
    /// Lower-cased host names and addresses the listener answers to, IPv6 in brackets.
    let hosts: Set<String>
    /// "http" or "https": what the listener speaks, and so what a same-origin page's Origin starts with.
    let scheme: String

    /// `listenHost` is `--listen`'s host; `extraHosts` the names a network listener is reached by.
    init(listenHost: String, extraHosts: [String] = [], tls: Bool = false) {
        let loopback = ["localhost", "127.0.0.1", "[::1]"]
        let wildcard = ["0.0.0.0", "::", "[::]"]
        let listen = listenHost.contains(":") && !listenHost.hasPrefix("[") ? "[\(listenHost)]" : listenHost
        hosts = Set((loopback + (wildcard.contains(listen) ? [] : [listen]) + extraHosts).map { $0.lowercased() })
        scheme = tls ? "https" : "http"
    }

    struct Refusal: Error, Equatable {
        let status: HTTPResponse.Status
        let code: APIErrorCode
        let message: String
    }

    /// Nil when the request may go on. `port` is the local port the request arrived on.
    func refusal(method: HTTPRequest.Method, path: String, authority: String?, origin: String?, contentType: String?,
                 port: Int) -> Refusal? {
        guard let authority, isOwn(authority: authority, port: port) else {
            return Refusal(status: .misdirectedRequest, code: .foreignHost, message: "This kiosk does not answer to that host name.")
        }
        let changesState = method != .get && method != .head
        if changesState || path == "/ws", let origin, !isOwn(origin: origin, port: port) {
            return Refusal(status: .forbidden, code: .foreignOrigin, message: "Requests from other web sites are refused.")
        }
        if changesState, !Self.isJSON(contentType) {
            return Refusal(status: .unsupportedMediaType, code: .notJSON, message: "The request body must be application/json.")
        }
        return nil
    }

    /// "localhost:8080", "[::1]:8080"; without a port only when the listener is on the scheme's default port.
    func isOwn(authority: String, port: Int) -> Bool {
        let lowered = authority.lowercased()
        let host: Substring, portText: Substring?
        if let close = lowered.lastIndex(of: "]") {
            host = lowered[...close]
            let rest = lowered[lowered.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return false }
            portText = rest.isEmpty ? nil : rest.dropFirst()
        } else if let colon = lowered.lastIndex(of: ":") {
            host = lowered[..<colon]
            portText = lowered[lowered.index(after: colon)...]
        } else {
            host = lowered[...]
            portText = nil
        }
        guard hosts.contains(String(host)) else { return false }
        guard let portText else { return port == (scheme == "https" ? 443 : 80) }
        return portText.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } && Int(portText) == port
    }

    /// "http://localhost:8080" names this listener; "null", other schemes, hosts or ports do not.
    func isOwn(origin: String, port: Int) -> Bool {
        let prefix = scheme + "://"
        guard origin.lowercased().hasPrefix(prefix) else { return false }
        return isOwn(authority: String(origin.dropFirst(prefix.count)), port: port)
    }

    /// "application/json", with parameters ("; charset=utf-8") or not, in any case.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let mediaType = contentType?.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first else { return false }
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// The page listener's first middleware: refuses what `PageRequestPolicy` refuses, and gives
/// every answer headers that keep the page from being framed or sniffed, and its receipt links
/// (which carry their key in the query) from leaking through a Referer.
struct PageGuard: RouterMiddleware {
    typealias Context = PageRequestContext
    let policy: PageRequestPolicy

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let port = context.localPort ?? -1
        let authority = request.head.authority
        // Only a checked name goes into the policy header: a foreign one is the attacker's text.
        let ownAuthority = authority.flatMap { policy.isOwn(authority: $0, port: port) ? $0 : nil }
        if let refusal = policy.refusal(method: request.method, path: request.uri.path, authority: authority,
                                        origin: request.headers[.origin], contentType: request.headers[.contentType], port: port) {
            context.logger.warning("page request refused", metadata: ["code": "\(refusal.code.rawValue)", "method": "\(request.method)"])
            let error = APIError(refusal.status, refusal.code, refusal.message)
            return withSecurityHeaders(try error.response(from: request, context: context), authority: ownAuthority)
        }
        do {
            return withSecurityHeaders(try await next(request, context), authority: ownAuthority)
        } catch let error as any HTTPResponseError {
            return withSecurityHeaders(try error.response(from: request, context: context), authority: ownAuthority)
        }
    }

    func withSecurityHeaders(_ response: Response, authority: String?) -> Response {
        var response = response
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy(
            webSocket: authority.map { policy.scheme == "https" ? "wss://\($0)" : "ws://\($0)" })
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        return response
    }

    /// The page loads its script, style, translations and pictures from here, and talks to its
    /// WebSocket; nothing inline, nothing from elsewhere, never in a frame.
    /// (`webSocket` is spelled out because older browsers do not count ws: as 'self'.)
    static func contentSecurityPolicy(webSocket: String?) -> String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            + "connect-src 'self'\(webSocket.map { " " + $0 } ?? ""); base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }
}

extension HTTPFields.Element.Name {
    /// Not among HTTPTypes' names.
    static let referrerPolicy = Self("Referrer-Policy")!
}
