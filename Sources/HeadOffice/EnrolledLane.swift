import Foundation
import Journal

/// A lane head office collects from: its identity (the Ed25519 key `kiosk lane identity`
/// prints), its sync address, and where its credential is kept. Checked when enrolled, so the
/// collector never meets a lane it cannot even try.
public struct EnrolledLane: Sendable, Hashable {
    public let id: String
    public let store: String
    public let publicKey: [UInt8]
    /// `https://host:port` of the lane's sync listener (`http://` only to a loopback address).
    public let address: URL
    public let credential: Credential
    /// The lane's CA or certificate (PEM) to trust; nil: the system's trust store.
    public let caFile: String?
    /// The store's time zone: a "day" in the reports is the store's day.
    public let timeZone: String

    public enum Credential: Sendable, Hashable {
        /// A file holding the bearer token (`kiosk sync token add` printed it once).
        case tokenFile(String)
        /// A client certificate and its key (PEM files); the lane lists the certificate's fingerprint.
        case clientCertificate(certificate: String, key: String)
    }

    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public let field: String
        public let problem: String
        public var description: String { "\(field): \(problem)" }
    }

    public init(id: String, store: String, publicKey: String, address: String, credential: Credential,
                caFile: String? = nil, timeZone: String = "UTC") throws(Invalid) {
        guard Self.isName(id) else { throw Invalid(field: "id", problem: "1 to 64 of A-Z a-z 0-9 . _ -") }
        guard Self.isName(store) else { throw Invalid(field: "store", problem: "1 to 64 of A-Z a-z 0-9 . _ -") }
        guard let key = Data(base64Encoded: publicKey), key.count == 32 else {
            throw Invalid(field: "public-key", problem: "not a base64 Ed25519 public key (32 bytes): copy it from `kiosk lane identity`")
        }
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              url.path.isEmpty || url.path == "/", url.query == nil, url.user == nil else {
            throw Invalid(field: "address", problem: "expected https://host:port")
        }
        let loopback = ["127.0.0.1", "::1", "[::1]", "localhost"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw Invalid(field: "address", problem: "https only (plain http only to a loopback address)")
        }
        guard TimeZone(identifier: timeZone) != nil else { throw Invalid(field: "time-zone", problem: "unknown time zone \(timeZone)") }
        self.init(checkedID: id, store: store, publicKey: Array(key), address: url, credential: credential, caFile: caFile,
                  timeZone: timeZone)
    }

    /// From the database, where the values were checked when enrolled.
    init(checkedID id: String, store: String, publicKey: [UInt8], address: URL, credential: Credential, caFile: String?,
         timeZone: String) {
        self.id = id
        self.store = store
        self.publicKey = publicKey
        self.address = address
        self.credential = credential
        self.caFile = caFile
        self.timeZone = timeZone
    }

    public var fingerprint: String { LaneIdentity.fingerprint(of: publicKey) }

    static func isName(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }
}

extension UInt8 {
    var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
    }
}
