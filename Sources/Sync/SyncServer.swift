import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// The request context of sync routes: Hummingbird's core plus who is asking.
public struct SyncRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection, for its remote address and its TLS client certificate.
    let channel: any Channel
    var authenticated: SyncCredential?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Who made the request. Routes run only behind the authenticator (`SyncServer` puts every
    /// route there), so in a route this is always set.
    public var credential: SyncCredential {
        guard let authenticated else { preconditionFailure("a sync route ran without authentication") }
        return authenticated
    }
}

/// The lane's head-office sync listener: a Hummingbird application on its own address, over TLS
/// when configured, where every request, to any path, must carry valid credentials first. A
/// request without them gets 401 and the fixed body `{"error":{"code":"unauthorized"}}`, whatever
/// the path, so nothing about the routes is revealed.
///
///     let server = try SyncServer(settings: settings, logger: logger) { router in
///         router.get("/sync/v1/lane") { _, context in "hello \(context.credential.name)" }
///     }
///     // a Service: add it to the ServiceGroup
public struct SyncServer: Service {
    /// Where the listener ended up (port 0 in the settings picks a free one).
    public struct Endpoint: Sendable, Equatable {
        public let scheme: String
        public let host: String
        public let port: Int
        public var url: String { "\(scheme)://\(host):\(port)" }
    }

    private let application: any Service

    /// - Parameters:
    ///   - settings: validated `sync` settings; the TLS files are read here, so a bad certificate
    ///     or key stops the start-up with a `SyncSettingsError` rather than the first connection.
    ///   - rateLimiter: failed sign-ins per address (the standard policy unless a test passes one).
    ///   - onServerRunning: called once the listener accepts connections, with its real address.
    ///   - routes: adds the sync routes; each runs only for an authenticated request.
    public init(settings: SyncSettings, logger: Logger, rateLimiter: SyncRateLimiter = SyncRateLimiter(),
                onServerRunning: @escaping @Sendable (Endpoint) async -> Void = { _ in },
                routes: (Router<SyncRequestContext>) -> Void) throws {
        try settings.validate()
        let address = try settings.address
        let authenticator = SyncAuthenticator(settings: settings)
        let router = Router(context: SyncRequestContext.self)
        // First, so that it wraps every route and the router's "no route" answer.
        router.add(middleware: SyncErrorMiddleware())
        routes(router)
        let responder = SyncAuthResponder(routes: router.buildResponder(), authenticator: authenticator, limiter: rateLimiter,
                                          readsClientCertificates: authenticator.acceptsClientCertificates)
        let tls = try settings.tls.map { try Self.tlsConfiguration(files: $0, setting: "sync.tls", clientCertificates: authenticator.acceptsClientCertificates) }
        let scheme = tls == nil ? "http" : "https"
        application = Application(
            responder: responder,
            // A client that opens a connection and says nothing does not hold it for ever.
            server: try tls.map { try .tls(.http1(configuration: .init(idleTimeout: .seconds(60))), configuration: $0) }
                ?? .http1(configuration: .init(idleTimeout: .seconds(60))),
            // No Server header: the listener says nothing about itself to strangers.
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let endpoint = Endpoint(scheme: scheme, host: address.urlHost, port: channel.localAddress?.port ?? address.port)
                logger.info("sync listening", metadata: ["url": "\(endpoint.url)"])
                await onServerRunning(endpoint)
            },
            logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }

    /// TLS 1.2 or newer with the configured certificate and key. With client certificates listed,
    /// the listener asks for one but does not require it (token clients have none). BoringSSL
    /// still checks, in the handshake, that the client holds the certificate's private key; which
    /// certificates are welcome is decided per request by fingerprint (`SyncAuthenticator`), so an
    /// unlisted or self-signed one gets the same 401 as a wrong token, and is logged and counted.
    /// `setting` names the files' setting in every error ("sync.tls"; the page's listener uses it too).
    public static func tlsConfiguration(files: SyncSettings.TLSFiles, setting: String,
                                        clientCertificates: Bool = false) throws -> TLSChannelConfiguration {
        func read(_ path: String, _ name: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else { throw SyncSettingsError("\(setting).\(name) \(path) cannot be read") }
            return Array(data)
        }
        let certificatePEM = try read(files.certificate, "certificate")
        let keyPEM = try read(files.key, "key")
        guard let chain = try? NIOSSLCertificate.fromPEMBytes(certificatePEM), !chain.isEmpty else {
            throw SyncSettingsError("\(setting).certificate \(files.certificate) holds no PEM certificate")
        }
        guard let key = try? NIOSSLPrivateKey(bytes: keyPEM, format: .pem) else {
            throw SyncSettingsError("\(setting).key \(files.key) holds no unencrypted PEM private key")
        }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        if clientCertificates {
            tls.certificateVerification = .optionalVerification
            // No certificate authority is trusted: listed fingerprints are the only trust.
            tls.trustRoots = .certificates([])
        }
        // Made here once to check the pair now (BoringSSL refuses a key that is not the certificate's).
        do { _ = try NIOSSLContext(configuration: tls) } catch {
            throw SyncSettingsError("\(setting).key \(files.key) cannot be used with the certificate \(files.certificate) (is it its key?)")
        }
        guard clientCertificates else { return TLSChannelConfiguration(tlsConfiguration: tls) }
        return TLSChannelConfiguration(tlsConfiguration: tls, customVerificationCallback: { _, promise in
            promise.succeed(.certificateVerified)
        })
    }
}

/// Runs before the router, for every request: nothing the router does, a 404 included, is
/// reachable without valid credentials.
struct SyncAuthResponder<Routes: HTTPResponder>: HTTPResponder where Routes.Context == SyncRequestContext {
    let routes: Routes
    let authenticator: SyncAuthenticator
    let limiter: SyncRateLimiter
    let readsClientCertificates: Bool

    func respond(to request: Request, context: SyncRequestContext) async throws -> Response {
        let remote = context.channel.remoteAddress
        let key = rateLimitKey(remote)
        let client = describe(remote)
        if let wait = limiter.blocked(key) {
            // Debug only: during a cool-down an attacker must not be able to fill the log.
            context.logger.debug("sync request refused", metadata: ["remote": "\(client)", "reason": "rate limited"])
            return Self.unauthorized(retryAfter: wait)
        }
        let certificate = readsClientCertificates ? await Self.clientCertificateDER(context.channel) : nil
        switch authenticator.authenticate(authorization: request.headers[values: .authorization], clientCertificateDER: certificate) {
        case .success(let credential):
            limiter.recordSuccess(key)
            var context = context
            context.authenticated = credential
            return try await routes.respond(to: request, context: context)
        case .failure(let refusal):
            // Neither the header nor the path is logged: either could hold a token.
            context.logger.warning("sync request refused", metadata: [
                "remote": "\(client)", "reason": "\(refusal)", "method": "\(request.method)"])
            let coolDown = limiter.recordFailure(key)
            if let coolDown {
                context.logger.warning("too many failed sync sign-ins: address refused for a while", metadata: [
                    "address": "\(key)", "seconds": "\(coolDown.components.seconds)", "failures": "\(limiter.policy.maxFailures)"])
            }
            return Self.unauthorized(retryAfter: coolDown)
        }
    }

    static func unauthorized(retryAfter: Duration?) -> Response {
        var headers: HTTPFields = [.wwwAuthenticate: "Bearer", .contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = SyncRateLimiter.retryAfter(retryAfter) }
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: unauthorizedBody)))
    }

    /// The DER of the certificate the client presented in the TLS handshake, if it presented one.
    static func clientCertificateDER(_ channel: any Channel) async -> [UInt8]? {
        guard let certificate = try? await channel.nioSSL_peerCertificate().get() else { return nil }
        // A certificate we cannot serialise matches no fingerprint: refused, not ignored.
        return (try? certificate.toDERBytes()) ?? []
    }
}

/// The whole body of every 401: the same bytes whatever went wrong.
let unauthorizedBody = #"{"error":{"code":"unauthorized"}}"#

/// "127.0.0.1:52144", "[2001:db8::1]:52144" for the log.
func describe(_ address: SocketAddress?) -> String {
    guard let address, let ip = address.ipAddress else { return "unknown" }
    let port = address.port.map(String.init) ?? "?"
    if case .v6 = address { return "[\(ip)]:\(port)" }
    return "\(ip):\(port)"
}

/// What failures are counted by: the IPv4 address, or the /64 of an IPv6 one (one machine usually
/// has a whole /64, so counting single IPv6 addresses would count nothing).
public func rateLimitKey(_ address: SocketAddress?) -> String {
    guard let address else { return "unknown" }
    switch address {
    case .v4:
        return address.ipAddress ?? "unknown"
    case .v6(let v6):
        let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        // An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d: count its IPv4 address.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    case .unixDomainSocket:
        return "unix"
    }
}
