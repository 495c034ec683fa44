import AsyncHTTPClient
import Foundation
import Journal
import PostgresNIO

/// What head office pushes to its lanes (docs/sync-api.yaml: putCatalog, putCouponKeys, putStaff):
/// the file as the lane takes it, checked here only enough that a wrong file is not sent to every
/// lane of a chain (each lane checks it whole, and refuses it with a code, changing nothing).
public struct LanePush: Sendable {
    public enum Kind: String, Sendable {
        case catalog, couponKeys = "coupon-keys", staff, redeemedCoupons = "redeemed-coupons"
    }

    public let kind: Kind
    let body: Data

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// The largest file a lane takes (its catalog route streams up to this).
    static let largest = 256 * 1024 * 1024

    public init(_ kind: Kind, file: String) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
              let size = attributes[.size] as? Int, attributes[.type] as? FileAttributeType == .typeRegular else {
            throw Invalid(description: "cannot read \(file)")
        }
        guard size <= Self.largest else { throw Invalid(description: "\(file): \(size) bytes, more than a lane takes") }
        guard let data = FileManager.default.contents(atPath: file), !data.isEmpty else { throw Invalid(description: "\(file) is empty") }
        try self.init(kind, body: data, name: file)
    }

    init(_ kind: Kind, body: Data, name: String) throws {
        switch kind {
        case .catalog:
            // The catalog's header names its columns: a file without `gtin` first is not a catalog.
            let header = body.prefix { $0 != UInt8(ascii: "\n") }
            guard String(decoding: header, as: UTF8.self).hasPrefix("gtin,") else {
                throw Invalid(description: "\(name): not a catalog CSV (its header must start with gtin,)")
            }
        case .couponKeys, .staff, .redeemedCoupons:
            let key = [.staff: "staff", .couponKeys: "keys"][kind] ?? "ids"
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object[key] is [Any] else {
                throw Invalid(description: "\(name): not a JSON object with a \"\(key)\" list")
            }
        }
        self.kind = kind
        self.body = body
    }

    /// A body this type wrote itself (nothing to check).
    private init(built kind: Kind, body: Data) {
        self.kind = kind
        self.body = body
    }

    var path: String {
        switch kind {
        case .catalog: return "/sync/v1/catalog"
        case .couponKeys: return "/sync/v1/coupon-keys"
        case .staff: return "/sync/v1/staff"
        case .redeemedCoupons: return "/sync/v1/redeemed-coupons"
        }
    }

    /// Redeemed coupon ids are added to what a lane refuses; the rest replace what it has.
    var method: String { kind == .redeemedCoupons ? "POST" : "PUT" }

    /// The coupon ids redeemed somewhere in the chain, for every lane to refuse from now on: in
    /// requests of at most 10,000 (the sync API's limit). Ids a lane could not take (not printable
    /// ASCII, longer than 64) cannot be on a coupon it would accept either, and are left out.
    public static func redeemedCoupons(_ ids: [String]) -> [LanePush] {
        let valid = ids.filter { (1...64).contains($0.utf8.count) && $0.utf8.allSatisfy { (0x21...0x7E).contains($0) } }
        return stride(from: 0, to: valid.count, by: 10_000).map { start in
            let batch = valid[start..<min(start + 10_000, valid.count)]
            let body = Data(JSONValue.object(["ids": .array(batch.map(JSONValue.string))]).text.utf8)
            return LanePush(built: .redeemedCoupons, body: body)
        }
    }

    var contentType: String { kind == .catalog ? "text/csv" : "application/json" }

    /// What one lane made of it.
    public struct Outcome: Sendable {
        public let lane: String
        /// The lane's answer in a few words (`catalog 3: 235 items, 0 rejected`, `2 keys`), or why it failed.
        public let result: Result<String, LaneCallError>
    }

    /// Pushes to every lane given, `concurrency` at a time; one lane failing does not stop the others.
    public func send(to lanes: [EnrolledLane], concurrency: Int = 8) async -> [Outcome] {
        let http = Collector.makeHTTPClient()
        let outcomes = await send(to: lanes, http: http, concurrency: concurrency)
        try? await http.shutdown()
        return outcomes
    }

    func send(to lanes: [EnrolledLane], http: HTTPClient, concurrency: Int) async -> [Outcome] {
        await withTaskGroup(of: Outcome.self) { group in
            var outcomes: [Outcome] = []
            var pending = lanes[...]
            func next(_ group: inout TaskGroup<Outcome>) {
                guard let lane = pending.popFirst() else { return }
                group.addTask { await self.send(to: LaneClient(lane: lane, http: http)) }
            }
            for _ in 0..<max(1, concurrency) { next(&group) }
            for await outcome in group {
                outcomes.append(outcome)
                next(&group)
            }
            return outcomes.sorted { $0.lane < $1.lane }
        }
    }

    func send(to client: LaneClient) async -> Outcome {
        do {
            let answer = try await client.call(method, path, content: (body, contentType), limit: LaneClient.smallAnswer)
            return Outcome(lane: client.lane.id, result: .success(try summary(of: answer)))
        } catch let error as LaneCallError {
            return Outcome(lane: client.lane.id, result: .failure(error))
        } catch {
            return Outcome(lane: client.lane.id, result: .failure(LaneCallError(code: .unreachable, detail: "\(error)")))
        }
    }

    func summary(of answer: Data) throws -> String {
        switch kind {
        case .catalog:
            struct Result: Decodable { let version: String; let items: Int; let rejectedCount: Int }
            guard let result = try? JSONDecoder().decode(Result.self, from: answer) else {
                throw LaneCallError(code: .invalidAnswer, detail: "putCatalog: not a catalog result")
            }
            return "catalog \(result.version): \(result.items) items, \(result.rejectedCount) rejected"
        case .couponKeys, .staff, .redeemedCoupons:
            struct Count: Decodable { let count: Int }
            guard let count = try? JSONDecoder().decode(Count.self, from: answer) else {
                throw LaneCallError(code: .invalidAnswer, detail: "\(kind.rawValue): no count")
            }
            return "\(count.count) \([.staff: "staff", .couponKeys: "keys"][kind] ?? "coupons")"
        }
    }
}

extension LanePush {
    /// Every coupon id redeemed in the sales of the last `days` days, anywhere in the chain.
    public static func recentlyRedeemedCoupons(_ db: PostgresHandle, days: Int) async throws -> [String] {
        let rows = try await db.client.query("""
            SELECT DISTINCT r.coupon_id FROM coupon_redemption r JOIN sale s ON s.lane = r.lane AND s.id = r.sale_id
            WHERE s.completed_at >= now() - make_interval(days => \(Int32(clamping: days))) ORDER BY 1
            """, logger: db.logger)
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }
}
