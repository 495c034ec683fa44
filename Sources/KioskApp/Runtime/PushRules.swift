import Foundation
import Journal
import Retail

/// Why the lane refused something head office pushed. `code` is stable: the sync API answers
/// `{"error": {"code", "field"}}`; `message` is for people and the log.
public struct PushError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable, CaseIterable {
        /// A value is not what the sync API says; `field` names it (`keys[2].publicKey`,
        /// `staff[0].badge`, `ids[5]`). Nothing changed.
        case badRequest = "bad-request"
        /// Nothing usable in the catalog (a bad header, or no valid row); the lane keeps its catalog.
        case catalogRefused = "catalog-refused"
        /// Another catalog import is running (a push, or `kiosk catalog import`). Nothing changed.
        case catalogImportInProgress = "catalog-import-in-progress"
        /// The published demo coupon key, on a lane not running --demo: anyone can sign with it.
        case demoKeyRefused = "demo-key-refused"
        /// The lane's journal failed its check: nothing is added to it. Nothing changed.
        case outOfService = "out-of-service"
        /// The journal could not record the push. Nothing changed, except a pushed catalog, which
        /// the lane sells from already (the log says so).
        case journalUnavailable = "journal-unavailable"
        /// The state folder could not be written. Nothing changed, except after the journal recorded
        /// the push (the log says so): push again.
        case storageUnavailable = "storage-unavailable"
    }

    public let code: Code
    /// The request field at fault, for `bad-request`.
    public let field: String?
    public let message: String

    public init(_ code: Code, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { "\(code.rawValue)" + (field.map { " (\($0))" } ?? "") + ": \(message)" }
}

/// What the lane accepts from head office's pushes. The same rules check the files in `pushed/`
/// when the lane starts.
enum PushRules {
    static let maximumCouponKeys = 16
    static let maximumCouponIDs = 10_000

    /// The keys, each as its raw 32 bytes in standard base64. An empty list is allowed: coupons are
    /// then refused as "not accepted here" (head office withdraws a leaked key without a
    /// replacement). `refusedKey` is the published demo key on a lane not running --demo.
    static func couponKeys(_ keys: [AdminEvent.InstalledKey], refusedKey: [UInt8]?) throws(PushError) -> [CouponKey] {
        guard keys.count <= maximumCouponKeys else {
            throw PushError(.badRequest, field: "keys", "at most \(maximumCouponKeys) keys")
        }
        var ids: Set<String> = []
        var checked: [CouponKey] = []
        for (index, key) in keys.enumerated() {
            let at = "keys[\(index)]"
            guard isPrintableASCII(key.id, maximumLength: 64) else {
                throw PushError(.badRequest, field: "\(at).id", "must be 1 to 64 printable ASCII characters, no spaces")
            }
            guard ids.insert(key.id).inserted else { throw PushError(.badRequest, field: "\(at).id", "key id \"\(key.id)\" is listed twice") }
            // Standard base64 only: one spelling per key, so the journal and the file show what was pushed.
            guard let bytes = Data(base64Encoded: key.publicKey), bytes.count == 32,
                  (try? Ed25519CouponVerifier([CouponKey(id: key.id, publicKey: key.publicKey)])) != nil else {
                throw PushError(.badRequest, field: "\(at).publicKey", "must be a base64 Ed25519 public key (32 bytes)")
            }
            if let refusedKey, Array(bytes) == refusedKey {
                throw PushError(.demoKeyRefused, field: "\(at).publicKey",
                                "key \"\(key.id)\" is the published demo key: anyone can sign coupons with it")
            }
            checked.append(CouponKey(id: key.id, publicKey: bytes.base64EncodedString()))
        }
        return checked
    }

    /// The staff list, sorted by badge: the canonical list the lane stores and hashes.
    static func staff(_ members: [StaffMember]) throws(PushError) -> [StaffMember] {
        if let problem = StaffMember.problem(in: members) { throw PushError(.badRequest, field: problem.field, problem.message) }
        return members.sorted { $0.badge < $1.badge }
    }

    /// The ids, each once, in the order first given.
    static func couponIDs(_ ids: [String]) throws(PushError) -> [String] {
        guard ids.count <= maximumCouponIDs else { throw PushError(.badRequest, field: "ids", "at most \(maximumCouponIDs) ids") }
        var seen: Set<String> = []
        var unique: [String] = []
        for (index, id) in ids.enumerated() {
            guard isPrintableASCII(id, maximumLength: 64) else {
                throw PushError(.badRequest, field: "ids[\(index)]", "must be 1 to 64 printable ASCII characters, no spaces")
            }
            if seen.insert(id).inserted { unique.append(id) }
        }
        return unique
    }

    /// 1...`maximumLength` characters from `!` to `~`.
    static func isPrintableASCII(_ text: String, maximumLength: Int) -> Bool {
        (1...maximumLength).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
