import Foundation
import Hummingbird
import Journal
import NIOCore

/// The pull half of the sync API (docs/sync-api.yaml): the lane's status, its events after a
/// cursor, and the spec itself. Reads only: the journal is never changed here, except that the
/// status signs the current head (the lane signs "on every pull").
public struct PullRoutes: Sendable {
    let journal: LaneJournal
    let identity: LaneIdentity
    let softwareVersion: String
    /// docs/sync-api.yaml, served as it is.
    let spec: URL
    let clock: @Sendable () -> Int64

    /// Events are read from the journal this many at a time, so a page of any size streams in
    /// constant memory.
    static let chunk = 256

    public init(journal: LaneJournal, identity: LaneIdentity, softwareVersion: String, spec: URL,
                clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.journal = journal
        self.identity = identity
        self.softwareVersion = softwareVersion
        self.spec = spec
        self.clock = clock
    }

    public func add(to router: Router<SyncRequestContext>) {
        router.get("/sync/v1/lane") { _, _ in try self.lane() }
        router.get("/sync/v1/events") { request, _ in try self.events(request) }
        router.get("/sync/v1/openapi.yaml") { _, _ in
            guard let data = FileManager.default.contents(atPath: spec.path) else {
                throw HTTPError(.internalServerError)
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    func lane() throws -> Response {
        let status = try journal.pullStatus()
        let head = try journal.signHead(at: clock())
        let body: JSONValue = .object([
            "laneID": .string(identity.laneID),
            "publicKey": .string(Data(identity.publicKey).base64EncodedString()),
            "fingerprint": .string(identity.fingerprint),
            "softwareVersion": .string(softwareVersion),
            "newestSeq": .int(status.newestSeq),
            "oldestSeq": .int(status.oldestSeq),
            "acknowledgedSeq": .int(status.acknowledgedSeq),
            "backlog": .int(status.backlog),
            "oldestUnacknowledgedAt": status.oldestUnacknowledgedAt.map(JSONValue.int) ?? .null,
            "head": head.map(Self.wire) ?? .null,
        ])
        return SyncResponse.json(.ok, body)
    }

    /// One page: `{"after", "events": [...], "last", "more", "head"}`, written as it is read.
    func events(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        func parameter(_ name: String, default value: Int64, in range: ClosedRange<Int64>) throws -> Int64 {
            guard let text = query[name[...]] else { return value }
            guard let number = Int64(String(text)), range.contains(number) else {
                throw SyncResponse.Failure(.badRequest, "bad-request", ["parameter": .string(name)])
            }
            return number
        }
        let after = try parameter("after", default: 0, in: 0...9_007_199_254_740_991)
        let limit = Int(try parameter("limit", default: 1000, in: 1...5000))
        let maxBytes = Int(try parameter("maxBytes", default: 1_048_576, in: 1024...16_777_216))
        let newest = try journal.newestSeq()
        guard after <= newest else {
            throw SyncResponse.Failure(.conflict, "cursor-beyond-head", ["newestSeq": .int(newest)])
        }
        let journal = journal, identity = identity, clock = clock
        let body = ResponseBody { writer in
            var cursor = after
            var sent = 0
            var bytes = 0
            var lastHash: [UInt8]?
            try await writer.write(ByteBuffer(string: "{\"after\":\(after),\"events\":["))
            while sent < limit && bytes < maxBytes {
                var buffer = ByteBuffer()
                var read = 0
                try journal.forEachEvent(after: cursor, limit: min(Self.chunk, limit - sent)) { event in
                    let text = Self.wire(event).text
                    if sent > 0 { buffer.writeString(",") }
                    buffer.writeString(text)
                    sent += 1
                    read += 1
                    bytes += text.utf8.count
                    cursor = event.seq
                    lastHash = event.hash
                    return bytes < maxBytes
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
                if read == 0 { break }
            }
            let more = try journal.newestSeq() > cursor
            let head = lastHash.map { identity.sign(seq: cursor, hash: $0, at: clock()) }
            let tail: JSONValue = head.map(Self.wire) ?? .null
            try await writer.write(ByteBuffer(string: "],\"last\":\(cursor),\"more\":\(more),\"head\":\(tail.text)}"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    static func wire(_ event: StoredEvent) -> JSONValue {
        .object([
            "seq": .int(event.seq), "at": .int(event.at), "session": event.session.map(JSONValue.string) ?? .null,
            "kind": .string(event.kind), "payload": .string(event.payload),
            "writes": event.writes.map(JSONValue.string) ?? .null, "hash": .string(Hex.encode(event.hash)),
        ])
    }

    public static func wire(_ head: SignedHead) -> JSONValue {
        .object([
            "lane": .string(head.lane), "seq": .int(head.seq), "hash": .string(Hex.encode(head.hash)),
            "at": .int(head.at), "signature": .string(Data(head.signature).base64EncodedString()),
        ])
    }
}

/// JSON answers and coded errors of the sync API: `{"error": {"code", ...parameters}}`.
public enum SyncResponse {
    public static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body.text)))
    }

    /// Thrown by a route to answer with a coded error.
    public struct Failure: Error, HTTPResponseError {
        public let status: HTTPResponse.Status
        public let code: String
        public let parameters: [String: JSONValue]

        public init(_ status: HTTPResponse.Status, _ code: String, _ parameters: [String: JSONValue] = [:]) {
            self.status = status
            self.code = code
            self.parameters = parameters
        }

        public func response(from request: Request, context: some RequestContext) throws -> Response {
            var error = parameters
            error["code"] = .string(code)
            return SyncResponse.json(status, .object(["error": .object(error)]))
        }
    }
}
