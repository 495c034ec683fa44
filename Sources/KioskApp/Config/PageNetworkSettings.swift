import Foundation
import Sync

/// The `pageNetwork` setting: permission for the shopper page's listener (`kiosk run --listen`)
/// to be reached from other machines. Without it, `--listen` must be a loopback address: the
/// page's API pays, cancels and checks staff PINs, and must not be open to a network silently.
///
///     "pageNetwork": {
///       "tls": {"certificate": "/etc/kiosk/page-cert.pem", "key": "/etc/kiosk/page-key.pem"},
///       "tokens": [{"name": "office", "sha256": "<64 hex: SHA-256 of the token's text>"}],
///       "hosts": ["lane1.store.example"]
///     }
///
/// With it, the listener speaks only TLS and every request needs one of the tokens, as HTTP Basic
/// (any user name, the token as password: browsers ask for it once and send it with the page's
/// fetches and its WebSocket) or `Authorization: Bearer <token>`. Tokens are made like head
/// office's (`kiosk sync token add NAME` prints one and its entry). `hosts` are the names the
/// listener is reached by, beside its address and localhost (the page guard refuses other Hosts).
public struct PageNetworkSettings: Codable, Sendable, Equatable {
    public var tls: SyncSettings.TLSFiles?
    public var tokens: [SyncSettings.Credential] = []
    public var hosts: [String] = []

    public init(tls: SyncSettings.TLSFiles?, tokens: [SyncSettings.Credential], hosts: [String] = []) {
        self.tls = tls
        self.tokens = tokens
        self.hosts = hosts
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case tls, tokens, hosts }

    public init(from decoder: any Decoder) throws {
        try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tls = try c.decodeIfPresent(SyncSettings.TLSFiles.self, forKey: .tls)
        tokens = try c.decodeIfPresent([SyncSettings.Credential].self, forKey: .tokens) ?? []
        hosts = try c.decodeIfPresent([String].self, forKey: .hosts) ?? []
    }

    /// The problem with these settings, if any.
    public func problem() -> String? {
        guard let tls else {
            return "pageNetwork.tls is required: the page's API must not cross the network in clear"
        }
        guard tls.certificate.hasPrefix("/"), tls.key.hasPrefix("/") else {
            return "pageNetwork.tls.certificate and pageNetwork.tls.key must be absolute paths"
        }
        guard !tokens.isEmpty else { return "pageNetwork.tokens needs at least one token: the API must not be open to anyone" }
        for (index, token) in tokens.enumerated() {
            if !SyncSettings.isValidName(token.name) { return "pageNetwork.tokens[\(index)].name must be 1 to 64 letters, digits, '-', '_' or '.'" }
            if token.digest == nil { return "pageNetwork.tokens[\(index)].sha256 must be 64 hex digits (the SHA-256 of the token)" }
        }
        if let bad = hosts.first(where: { $0.isEmpty || !$0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-[]:".contains($0)) } }) {
            return "pageNetwork.hosts: \"\(bad)\" is not a host name or address"
        }
        return nil
    }

    /// Whether the page may listen on `host`, and how: nil for loopback without `pageNetwork`
    /// (the default), the (validated) settings for any address with them; otherwise an error that
    /// says what to do.
    public static func check(listenHost host: String, settings: PageNetworkSettings?) throws -> PageNetworkSettings? {
        guard let settings else {
            let loopback = (try? ListenAddress("\(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host):0"))?.isLoopback ?? false
            guard loopback else {
                throw KioskSetupError.listen("--listen \(host) is not a loopback address: the page's API (pay, cancel, scan, staff PINs) "
                    + "would be open to the network. Listen on 127.0.0.1, or allow it with the pageNetwork setting "
                    + "(TLS certificate and key, and tokens; see the README)")
            }
            return nil
        }
        return settings
    }
}
