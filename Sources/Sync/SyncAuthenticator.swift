import Crypto

/// Who a sync request came from: a configured credential's name and kind.
public struct SyncCredential: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case token, clientCertificate = "client certificate" }
    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public var description: String { "\(kind.rawValue) \(name)" }
}

/// Why a request was refused. The reason goes to the log, never to the client (which gets the
/// same 401 whatever it is), and never holds what the client sent.
public enum SyncRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case missingCredentials
    /// An Authorization header that is not exactly one "Bearer kst_…" token.
    case malformedAuthorization
    case unknownToken
    case unknownClientCertificate
    /// Too many failures from this address; `retryAfterSeconds` until it may try again.
    case rateLimited(retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .missingCredentials: "missing credentials"
        case .malformedAuthorization: "malformed Authorization header"
        case .unknownToken: "unknown token"
        case .unknownClientCertificate: "unknown client certificate"
        case .rateLimited: "rate limited"
        }
    }
}

/// Checks a request's credentials against the settings: a bearer token (by its SHA-256) or the
/// client certificate the TLS handshake verified (by the SHA-256 of its DER, its fingerprint).
///
/// Every credential a request presents must be valid: a wrong token is refused even alongside a
/// listed certificate. When both are valid the token names the client.
public struct SyncAuthenticator: Sendable {
    private let tokens: [(name: String, digest: [UInt8])]
    private let certificates: [(name: String, digest: [UInt8])]

    /// From validated settings (entries whose hash is not 64 hex digits are skipped).
    public init(settings: SyncSettings) {
        self.init(tokens: settings.tokens, clientCertificates: settings.clientCertificates)
    }

    /// From validated credential lists (the page's network listener has tokens only).
    public init(tokens: [SyncSettings.Credential], clientCertificates: [SyncSettings.Credential] = []) {
        self.tokens = tokens.compactMap { entry in entry.digest.map { (entry.name, $0) } }
        certificates = clientCertificates.compactMap { entry in entry.digest.map { (entry.name, $0) } }
    }

    /// Whether the listener should ask clients for a certificate at all.
    public var acceptsClientCertificates: Bool { !certificates.isEmpty }

    /// - Parameters:
    ///   - authorization: every `Authorization` header value of the request (more than one is malformed).
    ///   - clientCertificateDER: the verified client certificate of the connection, if any.
    public func authenticate(authorization: [String], clientCertificateDER: [UInt8]?) -> Result<SyncCredential, SyncRefusal> {
        var byCertificate: SyncCredential?
        if let der = clientCertificateDER {
            guard let name = Self.match(Array(SHA256.hash(data: der)), in: certificates) else { return .failure(.unknownClientCertificate) }
            byCertificate = SyncCredential(name: name, kind: .clientCertificate)
        }
        guard !authorization.isEmpty else { return byCertificate.map { .success($0) } ?? .failure(.missingCredentials) }
        guard authorization.count == 1, let token = Self.bearerToken(authorization[0]) else { return .failure(.malformedAuthorization) }
        guard let name = Self.match(token.sha256, in: tokens) else { return .failure(.unknownToken) }
        return .success(SyncCredential(name: name, kind: .token))
    }

    /// "Bearer <token>": the scheme is case-insensitive (RFC 9110 11.1), one space, a well-formed token.
    static func bearerToken(_ header: String) -> SyncToken? {
        let scheme = "bearer "
        guard header.utf8.count > scheme.utf8.count, header.prefix(scheme.count).lowercased() == scheme else { return nil }
        return SyncToken(header.dropFirst(scheme.count))
    }

    /// The name whose digest equals `digest`. Every entry is compared in full, with no early exit
    /// at the first match, so the time taken says nothing about which entry, or how much, matched.
    private static func match(_ digest: [UInt8], in entries: [(name: String, digest: [UInt8])]) -> String? {
        var found: String?
        for entry in entries {
            let equal = constantTimeEqual(digest, entry.digest)
            if equal && found == nil { found = entry.name }
        }
        return found
    }
}
