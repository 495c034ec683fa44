import Journal
import KioskTestSupport
import Testing
@testable import Sync

/// A page's events are written straight into the body (`PullRoutes.appendWire`): byte for byte
/// what the event's JSON value gives (`JSONValue.text`, itself JSONEncoder's bytes).
@Suite struct PullRoutesTests {
    @Test func eventsAreWrittenAsTheirJSONValue() {
        var random = SplitMix64(seed: 11)
        let pieces = ["", "a", #"""#, #"\"#, "/", "\n", "\r\n\t", "\u{0}", "\u{1f}", "\u{7f}", "苹果 ¥3.50", "🍎", "e\u{301}",
                      "\u{2028}", #"{"item":{"gtin":"06907674936533"},"type":"item-scanned","v":1}"#, String(repeating: "x", count: 300)]
        func text() -> String {
            (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
        }
        for _ in 0..<2000 {
            let event = StoredEvent(seq: Int64(random.next() % 10_000_000) + 1, at: Int64(bitPattern: random.next()) / 2,
                                    session: random.next() % 3 == 0 ? nil : text(), kind: text(), payload: text(),
                                    writes: random.next() % 2 == 0 ? nil : text(),
                                    hash: (0..<32).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            var written: [UInt8] = []
            PullRoutes.appendWire(event, to: &written)
            #expect(String(decoding: written, as: UTF8.self) == Self.wire(event).text, "\(event)")
        }
    }

    /// The page's event as a JSON value, written the plain way: what the direct writer must equal.
    static func wire(_ event: StoredEvent) -> JSONValue {
        .object([
            "seq": .int(event.seq), "at": .int(event.at), "session": event.session.map(JSONValue.string) ?? .null,
            "kind": .string(event.kind), "payload": .string(event.payload),
            "writes": event.writes.map(JSONValue.string) ?? .null, "hash": .string(Hex.encode(event.hash)),
        ])
    }
}
