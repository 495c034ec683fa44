import Foundation
import Journal

/// The `sync` setting: where head office pulls from, and who may.
///
///     "sync": {
///       "listen": "0.0.0.0:8443",
///       "tls": {"certificate": "/etc/kiosk/sync-cert.pem", "key": "/etc/kiosk/sync-key.pem"},
///       "tokens": [{"name": "hq", "sha256": "<64 hex: SHA-256 of the token's text>"}],
///       "clientCertificates": [{"name": "hq-collector", "sha256": "<64 hex: SHA-256 of the certificate's DER>"}],
///       "scanInjectors": ["pos-bridge"]
///     }
///
/// The listener is apart from the shopper's page. Anything but a loopback address needs `tls`;
/// there is always at least one credential; client certificates need `tls`. Unknown fields are an
/// error, as everywhere in the settings file.
public struct SyncSettings: Codable, Sendable, Equatable {
    /// "HOST:PORT", "[IPv6]:PORT"; port 0 picks a free one.
    public var listen: String
    public var tls: TLSFiles?
    public var tokens: [Credential] = []
    public var clientCertificates: [Credential] = []
    /// Names of the credentials above that may inject scans (`POST /sync/v1/scans`): an
    /// integrator's bridge, say. None by default: pulling and pushing is not scanning.
    public var scanInjectors: [String] = []

    public init(listen: String, tls: TLSFiles? = nil, tokens: [Credential] = [], clientCertificates: [Credential] = [],
                scanInjectors: [String] = []) {
        self.listen = listen
        self.tls = tls
        self.tokens = tokens
        self.clientCertificates = clientCertificates
        self.scanInjectors = scanInjectors
    }

    /// PEM files of the listener's certificate (chain, leaf first) and private key; absolute paths.
    public struct TLSFiles: Codable, Sendable, Equatable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case certificate, key }

        public init(from decoder: any Decoder) throws {
            try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            certificate = try c.decode(String.self, forKey: .certificate)
            key = try c.decode(String.self, forKey: .key)
        }
    }

    /// A head-office client: a name (logs, and the routes' `SyncCredential.name`) and a SHA-256.
    ///
    /// For a token the hash is of the token's text. A plain SHA-256 is the right stored form here
    /// because a token is 256 random bits: nobody can guess it, so nothing is gained by a slow hash
    /// (that is for low-entropy secrets like PINs and passwords, which a stolen hash would let one
    /// try by brute force). For a client certificate it is the fingerprint of its DER bytes.
    public struct Credential: Codable, Sendable, Equatable {
        public var name: String
        public var sha256: String

        public init(name: String, sha256: String) {
            self.name = name
            self.sha256 = sha256
        }

        enum CodingKeys: String, CodingKey, CaseIterable { case name, sha256 }

        public init(from decoder: any Decoder) throws {
            try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            sha256 = try c.decode(String.self, forKey: .sha256)
        }

        /// The 32 bytes of `sha256`, or nil if it is not 64 hex digits.
        var digest: [UInt8]? { Hex.decode(sha256, count: 32) }
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case listen, tls, tokens, clientCertificates, scanInjectors }

    public init(from decoder: any Decoder) throws {
        try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        listen = try c.decode(String.self, forKey: .listen)
        tls = try c.decodeIfPresent(TLSFiles.self, forKey: .tls)
        tokens = try c.decodeIfPresent([Credential].self, forKey: .tokens) ?? []
        clientCertificates = try c.decodeIfPresent([Credential].self, forKey: .clientCertificates) ?? []
        scanInjectors = try c.decodeIfPresent([String].self, forKey: .scanInjectors) ?? []
    }

    /// The parsed `listen` address (valid settings only: `validate()` checks it parses).
    public var address: ListenAddress {
        get throws { try ListenAddress(listen) }
    }

    /// Checks what decoding cannot; every message starts with the setting's path ("sync.…").
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw SyncSettingsError(message) }
        }
        let address: ListenAddress
        do { address = try ListenAddress(listen) } catch let error as SyncSettingsError {
            throw SyncSettingsError("sync.listen " + error.message)
        }
        try check(address.isLoopback || tls != nil,
                  "sync.tls is required: \(address.host) is not a loopback address, and credentials must not cross the network in clear")
        try check(!tokens.isEmpty || !clientCertificates.isEmpty,
                  "sync needs at least one credential (tokens or clientCertificates): without one nobody could pull")
        try check(clientCertificates.isEmpty || tls != nil, "sync.clientCertificates need tls")
        if let tls {
            try check(tls.certificate.hasPrefix("/"), "sync.tls.certificate must be an absolute path")
            try check(tls.key.hasPrefix("/"), "sync.tls.key must be an absolute path")
        }
        for (list, entries, what) in [("tokens", tokens, "SHA-256 of the token"), ("clientCertificates", clientCertificates, "SHA-256 of the certificate's DER")] {
            for (index, entry) in entries.enumerated() {
                try check(Self.isValidName(entry.name), "sync.\(list)[\(index)].name must be 1 to 64 letters, digits, '-', '_' or '.'")
                try check(entry.digest != nil, "sync.\(list)[\(index)].sha256 must be 64 hex digits (the \(what))")
            }
            try check(Set(entries.compactMap(\.digest)).count == entries.count, "sync.\(list) lists the same sha256 twice")
        }
        let names = (tokens + clientCertificates).map(\.name)
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw SyncSettingsError("sync: the name \"\(twice)\" is used twice (names must be unique across tokens and clientCertificates)")
        }
        if let unknown = scanInjectors.first(where: { !names.contains($0) }) {
            throw SyncSettingsError("sync.scanInjectors: \"\(unknown)\" is not the name of a token or client certificate")
        }
    }

    /// Names go into logs and to routes: a small, printable alphabet.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}

/// A problem with the `sync` setting; `message` names the setting ("sync.tls is required: …").
public struct SyncSettingsError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where the listener binds: a host (name, IPv4 or IPv6 without brackets) and a port.
public struct ListenAddress: Sendable, Equatable {
    public let host: String
    public let port: Int

    /// "HOST:PORT" or "[IPv6]:PORT".
    public init(_ text: String) throws {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[close...].hasPrefix("]:") else {
                throw SyncSettingsError("must be HOST:PORT or [IPv6]:PORT, e.g. 0.0.0.0:8443")
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard Self.isIPv6(String(host)) else { throw SyncSettingsError("has \"\(host)\" in brackets, which is not an IPv6 address") }
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw SyncSettingsError("must be HOST:PORT, e.g. 0.0.0.0:8443") }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard !host.contains(":") else { throw SyncSettingsError("must put an IPv6 address in brackets: [\(host)]:\(port)") }
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }) else {
            throw SyncSettingsError("must name a host: an IP address or a host name")
        }
        guard port.allSatisfy(\.isASCIIDigit), !port.isEmpty, port.count <= 5, let number = Int(port), (0...65535).contains(number) else {
            throw SyncSettingsError("must end with a port 0...65535")
        }
        self.host = String(host)
        self.port = number
    }

    /// 127.0.0.0/8, ::1 and localhost: only this machine can connect.
    public var isLoopback: Bool {
        if host.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }

    /// As in a URL: IPv6 in brackets.
    public var urlHost: String { host.contains(":") ? "[\(host)]" : host }

    static func isIPv6(_ host: String) -> Bool {
        var v6 = in6_addr()
        return inet_pton(AF_INET6, host, &v6) == 1
    }
}

/// Decoding refuses fields it does not know: a mistyped "clientCertificate" must not leave the
/// listener open to fewer clients than the operator thinks, or more.
func refuseUnknownKeys(_ decoder: any Decoder, known: [String]) throws {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    let all = try decoder.container(keyedBy: AnyKey.self)
    if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown setting \"\(unknown)\""))
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
