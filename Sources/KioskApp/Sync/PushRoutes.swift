import Crypto
import Foundation
import Hummingbird
import Journal
import NIOCore
import Sync

/// Head office's pushes (docs/sync-api.yaml): a catalog, the coupon keys, the staff list, and
/// coupon ids redeemed elsewhere. Each route only reads and checks the request; the runtime
/// applies the push and journals it, with the credential's name as `client`.
struct PushRoutes: Sendable {
    let runtime: LaneRuntime
    /// Where a pushed catalog is streamed before it is imported (the state folder's `incoming/`).
    let incoming: URL

    /// A catalog of millions of rows is a few hundred MB; more than this is not a catalog.
    static let catalogLimit = 1 << 30

    func add(to router: Router<SyncRequestContext>) {
        router.put("/sync/v1/catalog") { request, context in
            try SyncBody.requireType(request, "text/csv")
            let (file, sha256) = try await receive(request.body)
            defer { try? FileManager.default.removeItem(at: file) }
            let result = try await applying { try await runtime.installCatalog(csvFile: file, sha256: sha256, client: context.credential.name) }
            return SyncResponse.json(.ok, .object([
                "version": .string(result.version), "items": .int(Int64(result.items)),
                "rejectedCount": .int(Int64(result.rejectedCount)),
                "rejected": .array(result.rejected.map { .object(["line": .int(Int64($0.line)), "code": .string($0.code)]) }),
            ]))
        }
        router.put("/sync/v1/coupon-keys") { request, context in
            let body = try await SyncBody.object(request, limit: 16 * 1024, keys: ["keys"])
            let keys = try SyncBody.field { () throws(WireError) in
                try Self.required(body, "keys")
                return try body.objects("keys") { (key) throws(WireError) in
                    try Self.only(key, ["id", "publicKey"])
                    return AdminEvent.InstalledKey(id: try key.string("id"), publicKey: try key.string("publicKey"))
                }
            }
            try await applying { try await runtime.installCouponKeys(keys, client: context.credential.name) }
            return SyncResponse.json(.ok, .object(["count": .int(Int64(keys.count))]))
        }
        router.put("/sync/v1/staff") { request, context in
            let body = try await SyncBody.object(request, limit: 4 << 20, keys: ["staff"])
            let members = try SyncBody.field { () throws(WireError) in
                try Self.required(body, "staff")
                return try body.objects("staff") { (member) throws(WireError) in
                    try Self.only(member, StaffMember.wireKeys)
                    return try StaffMember(wire: member)
                }
            }
            try await applying { try await runtime.installStaff(members, client: context.credential.name) }
            return SyncResponse.json(.ok, .object(["count": .int(Int64(members.count))]))
        }
        router.post("/sync/v1/redeemed-coupons") { request, context in
            let body = try await SyncBody.object(request, limit: 1 << 20, keys: ["ids"])
            let ids = try SyncBody.field { () throws(WireError) in
                try Self.required(body, "ids")
                return try body.array("ids") { (value, path) throws(WireError) in
                    guard case .string(let id) = value else { throw WireError(path: path, problem: "not a string") }
                    return id
                }
            }
            let count = try await applying { try await runtime.blockRedeemedCoupons(ids: ids, client: context.credential.name) }
            return SyncResponse.json(.ok, .object(["count": .int(Int64(count))]))
        }
    }

    /// The list a push carries must be there, as a list: absent or null is not "empty".
    static func required(_ body: WireObject, _ key: String) throws(WireError) {
        guard case .array? = body.fields[key] else { throw body.error(key, "must be a list") }
    }

    /// Unknown keys inside an element are refused like unknown keys at the top.
    static func only(_ object: WireObject, _ keys: Set<String>) throws(WireError) {
        if let unknown = object.fields.keys.sorted().first(where: { !keys.contains($0) }) {
            throw object.error(unknown, "not a known field")
        }
    }

    /// Streams the body to a new file under `incoming/` (0600), hashing it on the way: a
    /// catalog of any size is never held in memory.
    func receive(_ body: RequestBody) async throws -> (URL, [UInt8]) {
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let file = incoming.appendingPathComponent("catalog-\(UUID().uuidString).csv")
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw SyncResponse.Failure(.serviceUnavailable, "storage-unavailable")
        }
        var hasher = SHA256()
        var size = 0
        do {
            let handle = try FileHandle(forWritingTo: file)
            defer { try? handle.close() }
            for try await buffer in body {
                size += buffer.readableBytes
                guard size <= Self.catalogLimit else {
                    throw SyncResponse.Failure(.contentTooLarge, "too-large", ["limit": .int(Int64(Self.catalogLimit))])
                }
                buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
        } catch {
            try? FileManager.default.removeItem(at: file)
            throw error
        }
        return (file, Array(hasher.finalize()))
    }

    /// Runs a push on the runtime; its refusals become coded answers.
    func applying<T: Sendable>(_ push: () async throws -> T) async throws -> T {
        do {
            return try await push()
        } catch let error as PushError {
            let status: HTTPResponse.Status
            switch error.code {
            case .badRequest: status = .badRequest
            case .catalogRefused, .demoKeyRefused: status = .unprocessableContent
            case .catalogImportInProgress: status = .conflict
            case .outOfService, .journalUnavailable, .storageUnavailable: status = .serviceUnavailable
            }
            throw SyncResponse.Failure(status, error.code.rawValue, error.field.map { ["field": .string($0)] } ?? [:])
        }
    }
}
