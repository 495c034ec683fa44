import Foundation
import HeadOffice
import Journal

/// A lane made of the committed journal's real events (Fixtures/lane-events.json), with a key of
/// the tests' own to sign heads: pages and statuses as its sync API would answer them.
struct LaneFixture {
    let identity: LaneIdentity
    private(set) var events: [StoredEvent]
    let enrolled: EnrolledLane

    init(id: String = "lane-1", seed: UInt8 = 9) throws {
        identity = try LaneIdentity(laneID: id, privateKey: [UInt8](repeating: seed, count: 32))
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/lane-events.json")
        let array = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        events = try SyncWire.eventPage(Data(#"{"after":0,"events":\#(array),"last":50,"more":false,"head":null}"#.utf8)).events
        enrolled = try EnrolledLane(id: id, store: "store-1", publicKey: Data(identity.publicKey).base64EncodedString(),
                                    address: "https://127.0.0.1:9", credential: .tokenFile("/nonexistent"))
    }

    /// The saved fixture's sales, by the seq of the event that recorded them.
    var salesCount: Int { events.filter { $0.writes?.contains("sale-recorded") == true }.count }

    /// An event made here, chained on the last one (a kind the fixture lacks, or another month).
    mutating func append(kind: String, at: Int64, payload: String = "{}") {
        let last = events.last!
        let hash = LaneJournal.chain(last.hash, seq: last.seq + 1, at: at, session: nil, kind: kind, payload: payload, writes: nil)
        events.append(StoredEvent(seq: last.seq + 1, at: at, session: nil, kind: kind, payload: payload, writes: nil, hash: hash))
    }

    func head(_ seq: Int64) -> SignedHead { identity.sign(seq: seq, hash: event(seq).hash, at: 1_000_000) }

    func event(_ seq: Int64) -> StoredEvent { events[Int(seq) - 1] }

    /// The page `after`, `count` events at most, its head signed at its last event.
    func page(after: Int64, count: Int = 1000) -> EventPage {
        let slice = Array(events.dropFirst(Int(after)).prefix(count))
        let last = slice.last?.seq ?? after
        return EventPage(after: after, events: slice, last: last, more: last < events.last!.seq, head: slice.isEmpty ? nil : head(last))
    }

    func status(newest: Int64? = nil) -> LaneStatus {
        let newest = newest ?? events.last!.seq
        return LaneStatus(laneID: identity.laneID, publicKey: identity.publicKey, newestSeq: newest, acknowledgedSeq: 0, backlog: newest,
                          oldestUnacknowledgedAt: events.first?.at, head: newest == 0 ? nil : head(newest))
    }

    /// The cursor after storing events up to `seq`.
    func cursor(_ seq: Int64, head: Int64? = nil) -> LaneCursor {
        LaneCursor(seq: seq, hash: seq == 0 ? LaneJournal.genesis : event(seq).hash, newestHead: (head ?? (seq == 0 ? nil : seq)).map(self.head))
    }
}
