import AsyncHTTPClient
import Foundation

/// What head office pushes to its lanes (docs/sync-api.yaml: putCatalog, putCouponKeys, putStaff):
/// the file as the lane takes it, checked here only enough that a wrong file is not sent to every
/// lane of a chain (each lane checks it whole, and refuses it with a code, changing nothing).
public struct LanePush: Sendable {
    public enum Kind: String, Sendable {
        case catalog, couponKeys = "coupon-keys", staff
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
        case .couponKeys, .staff:
            let key = kind == .staff ? "staff" : "keys"
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object[key] is [Any] else {
                throw Invalid(description: "\(name): not a JSON object with a \"\(key)\" list")
            }
        }
        self.kind = kind
        self.body = body
    }

    var path: String {
        switch kind {
        case .catalog: return "/sync/v1/catalog"
        case .couponKeys: return "/sync/v1/coupon-keys"
        case .staff: return "/sync/v1/staff"
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
            let answer = try await client.call("PUT", path, content: (body, contentType), limit: LaneClient.smallAnswer)
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
        case .couponKeys, .staff:
            struct Count: Decodable { let count: Int }
            guard let count = try? JSONDecoder().decode(Count.self, from: answer) else {
                throw LaneCallError(code: .invalidAnswer, detail: "put \(kind.rawValue): no count")
            }
            return kind == .staff ? "\(count.count) staff" : "\(count.count) keys"
        }
    }
}
