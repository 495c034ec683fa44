import Foundation
import Hummingbird
import Journal
import NIOCore
import NIOPosix

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
            let texts = query[values: name[...]]
            guard let text = texts.first else { return value }
            // Given twice, a parameter is not the one integer the document says it is.
            guard texts.count == 1, let number = Int64(String(text)), range.contains(number) else {
                throw SyncResponse.Failure(.badRequest, "bad-request", ["parameter": .string(name)])
            }
            return number
        }
        let after = try parameter("after", default: 0, in: 0...9_007_199_254_740_991)
        let limit = Int(try parameter("limit", default: 1000, in: 1...5000))
        let maxBytes = Int(try parameter("maxBytes", default: 1_048_576, in: 1024...16_777_216))
        // Not pullStatus(): one query where a page needs only the newest seq.
        let newest = journal.newestSeq()
        guard after <= newest else {
            throw SyncResponse.Failure(.conflict, "cursor-beyond-head", ["newestSeq": .int(newest)])
        }
        let journal = journal, identity = identity, clock = clock
        let body = ResponseBody { writer in
            var page = Page(cursor: after)
            try await writer.write(ByteBuffer(string: "{\"after\":\(after),\"events\":["))
            while page.sent < limit && page.bytes < maxBytes {
                // SQLite blocks the thread it reads on: the page is read and written out on a
                // thread of its own, at a lower priority than the lane, so that a pull at full speed
                // never holds the threads the lane's scans, page and actors run on, and takes only
                // the CPU the lane leaves.
                let (next, text) = try await Self.reader.runIfActive { [page] in
                    Self.runAtLowPriority()
                    var next = page
                    let text = try Self.read(journal, into: &next, limit: limit, maxBytes: maxBytes)
                    return (next, text)
                }
                let read = next.sent - page.sent
                page = next
                if !text.isEmpty { try await writer.write(ByteBuffer(bytes: text)) }
                if read == 0 { break }
            }
            let cursor = page.cursor, lastHash = page.lastHash
            let more = journal.newestSeq() > cursor
            let head = lastHash.map { identity.sign(seq: cursor, hash: $0, at: clock()) }
            let tail: JSONValue = head.map(Self.wire) ?? .null
            try await writer.write(ByteBuffer(string: "],\"last\":\(cursor),\"more\":\(more),\"head\":\(tail.text)}"))
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// The thread pages are read on: one, so that head office's pulls, however many at once, take
    /// turns and never more than one core.
    static let reader: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// Nice 10 for the calling thread (on Linux the nice value is per thread, and
    /// `setpriority(PRIO_PROCESS, 0, _)` sets the caller's): when the two compete for a core, the
    /// scheduler runs the lane's threads first. `scripts/bench sync` measures what it gives.
    static func runAtLowPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        #endif
    }

    /// Where a page being written stands: its last event (`cursor`) and that event's hash, how many
    /// events and bytes of events it holds.
    struct Page: Sendable {
        var cursor: Int64
        var sent = 0
        var bytes = 0
        var lastHash: [UInt8]?
    }

    /// The next events of `page` (at most `chunk`, and none past `limit` events or `maxBytes`),
    /// as the page's text; `page` moves past them. Reads in one transaction, in constant memory.
    static func read(_ journal: LaneJournal, into page: inout Page, limit: Int, maxBytes: Int) throws -> [UInt8] {
        var text: [UInt8] = []
        try journal.forEachEvent(after: page.cursor, limit: min(chunk, limit - page.sent)) { event in
            if page.sent > 0 { text.append(UInt8(ascii: ",")) }
            let start = text.count
            appendWire(event, to: &text)
            page.sent += 1
            page.bytes += text.count - start
            page.cursor = event.seq
            page.lastHash = event.hash
            return page.bytes < maxBytes
        }
        return text
    }

    /// `wire(event).text`, appended to `out` without building the value: the same bytes (a test
    /// compares them), keys in the same sorted order. A page holds thousands of events.
    static func appendWire(_ event: StoredEvent, to out: inout [UInt8]) {
        func int(_ value: Int64) { out.append(contentsOf: String(value).utf8) }
        out.append(contentsOf: #"{"at":"#.utf8)
        int(event.at)
        out.append(contentsOf: #","hash":""#.utf8)
        Hex.append(event.hash, to: &out)
        out.append(contentsOf: #"","kind":"#.utf8)
        JSONValue.appendQuoted(event.kind, to: &out)
        out.append(contentsOf: #","payload":"#.utf8)
        JSONValue.appendQuoted(event.payload, to: &out)
        out.append(contentsOf: #","seq":"#.utf8)
        int(event.seq)
        out.append(contentsOf: #","session":"#.utf8)
        if let session = event.session { JSONValue.appendQuoted(session, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","writes":"#.utf8)
        if let writes = event.writes { JSONValue.appendQuoted(writes, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(UInt8(ascii: "}"))
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
    public static func json(_ status: HTTPResponse.Status, _ body: JSONValue, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body.text)))
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
