import Foundation
import Journal

/// getLane's answer (docs/sync-api.yaml, `LaneStatus`), as head office relies on it.
public struct LaneStatus: Sendable, Equatable {
    public let laneID: String
    public let publicKey: [UInt8]
    public let newestSeq: Int64
    public let acknowledgedSeq: Int64
    public let backlog: Int64
    public let oldestUnacknowledgedAt: Int64?
    public let head: SignedHead?

    public init(laneID: String, publicKey: [UInt8], newestSeq: Int64, acknowledgedSeq: Int64, backlog: Int64,
                oldestUnacknowledgedAt: Int64?, head: SignedHead?) {
        self.laneID = laneID
        self.publicKey = publicKey
        self.newestSeq = newestSeq
        self.acknowledgedSeq = acknowledgedSeq
        self.backlog = backlog
        self.oldestUnacknowledgedAt = oldestUnacknowledgedAt
        self.head = head
    }
}

extension StoredEvent {
    /// The acknowledgements head office's own `ack` made the lane journal: storing them needs no
    /// acknowledgement of its own (that would never end).
    public static let acknowledgementKind = "sync-acknowledged"
}

/// getEvents' answer (`EventPage`).
public struct EventPage: Sendable, Equatable {
    public let after: Int64
    public let events: [StoredEvent]
    public let last: Int64
    public let more: Bool
    public let head: SignedHead?

    public init(after: Int64, events: [StoredEvent], last: Int64, more: Bool, head: SignedHead?) {
        self.after = after
        self.events = events
        self.last = last
        self.more = more
        self.head = head
    }
}

/// An answer that is not what docs/sync-api.yaml says: where, and what is wrong (never its content).
public struct InvalidAnswer: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let problem: String
    public var description: String { "\(path): \(problem)" }

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
}

/// Strict readers of the sync API's JSON: every required key present (null only where the
/// document allows it), of its type and range; hashes, keys and signatures of their exact sizes.
/// Keys the document may add later are ignored. Decoded straight into these types (a page holds
/// thousands of events).
public enum SyncWire {
    static let maxSeq: Int64 = 9_007_199_254_740_991

    public static func laneStatus(_ data: Data) throws(InvalidAnswer) -> LaneStatus { try decode(WireLaneStatus.self, data).value }

    public static func eventPage(_ data: Data) throws(InvalidAnswer) -> EventPage { try decode(WirePage.self, data).value }

    /// The `error.code` (and `newestSeq`, for `cursor-beyond-head`) of an error answer, if it is one.
    public static func errorCode(_ data: Data) -> (code: String, newestSeq: Int64?)? {
        guard let answer = try? JSONDecoder().decode(WireErrorAnswer.self, from: data) else { return nil }
        return (answer.error.code, answer.error.newestSeq)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws(InvalidAnswer) -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch let error as DecodingError {
            throw InvalidAnswer(error)
        } catch {
            throw InvalidAnswer(path: "", problem: "not JSON")
        }
    }
}

extension InvalidAnswer {
    init(_ error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case .keyNotFound(let key, let context): self.init(path: path(context.codingPath + [key]), problem: "missing")
        case .valueNotFound(_, let context): self.init(path: path(context.codingPath), problem: "null")
        case .typeMismatch(_, let context): self.init(path: path(context.codingPath), problem: "wrong type")
        case .dataCorrupted(let context):
            self.init(path: path(context.codingPath), problem: context.codingPath.isEmpty ? "not JSON" : context.debugDescription)
        @unknown default: self.init(path: "", problem: "unreadable")
        }
    }
}

struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer where Key == AnyKey {
    /// A key that must be there, though it may be null.
    func nullable<T: Decodable>(_ type: T.Type, _ name: String) throws -> T? {
        let key = AnyKey(name)
        guard contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return try decodeNil(forKey: key) ? nil : decode(type, forKey: key)
    }

    func int(_ name: String, min: Int64 = 0) throws -> Int64 {
        let value = try decode(Int64.self, forKey: AnyKey(name))
        guard value >= min, value <= SyncWire.maxSeq else {
            throw DecodingError.dataCorruptedError(forKey: AnyKey(name), in: self, debugDescription: "out of range")
        }
        return value
    }

    func string(_ name: String) throws -> String { try decode(String.self, forKey: AnyKey(name)) }

    /// 64 lower-case hex digits, as the document's `Hash`.
    func hash(_ name: String) throws -> [UInt8] {
        let text = try string(name)
        guard text == text.lowercased(), let bytes = Hex.decode(text, count: 32) else {
            throw DecodingError.dataCorruptedError(forKey: AnyKey(name), in: self, debugDescription: "not 64 lower-case hex digits")
        }
        return bytes
    }

    /// Standard base64 of exactly `count` bytes.
    func base64(_ name: String, count: Int) throws -> [UInt8] {
        guard let data = Data(base64Encoded: try string(name)), data.count == count else {
            throw DecodingError.dataCorruptedError(forKey: AnyKey(name), in: self, debugDescription: "not base64 of \(count) bytes")
        }
        return Array(data)
    }
}

struct WireHead: Decodable {
    let value: SignedHead
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        value = SignedHead(lane: try c.string("lane"), seq: try c.int("seq", min: 1), hash: try c.hash("hash"),
                           at: try c.decode(Int64.self, forKey: AnyKey("at")), signature: try c.base64("signature", count: 64))
    }
}

struct WireLaneStatus: Decodable {
    let value: LaneStatus
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        value = LaneStatus(laneID: try c.string("laneID"), publicKey: try c.base64("publicKey", count: 32), newestSeq: try c.int("newestSeq"),
                           acknowledgedSeq: try c.int("acknowledgedSeq"), backlog: try c.int("backlog"),
                           oldestUnacknowledgedAt: try c.nullable(Int64.self, "oldestUnacknowledgedAt"),
                           head: try c.nullable(WireHead.self, "head")?.value)
    }
}

struct WireEvent: Decodable {
    let value: StoredEvent
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        value = StoredEvent(seq: try c.int("seq", min: 1), at: try c.decode(Int64.self, forKey: AnyKey("at")),
                            session: try c.nullable(String.self, "session"), kind: try c.string("kind"), payload: try c.string("payload"),
                            writes: try c.nullable(String.self, "writes"), hash: try c.hash("hash"))
    }
}

struct WirePage: Decodable {
    let value: EventPage
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        value = EventPage(after: try c.int("after"), events: try c.decode([WireEvent].self, forKey: AnyKey("events")).map(\.value),
                          last: try c.int("last"), more: try c.decode(Bool.self, forKey: AnyKey("more")),
                          head: try c.nullable(WireHead.self, "head")?.value)
    }
}

struct WireErrorAnswer: Decodable {
    struct Body: Decodable {
        let code: String
        let newestSeq: Int64?
    }
    let error: Body
}
