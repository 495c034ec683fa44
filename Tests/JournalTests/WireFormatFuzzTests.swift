import Checkout
import Foundation
import GRDB
import Journal
import KioskTestSupport
import Testing

/// Journal payloads are read back on restore, by `kiosk journal verify` and by head office, from
/// a file anyone with the disk can edit: mutated records of the committed v0 and v1 journals must
/// read as a value or a `WireError`, and what reads must write back to a record that reads the same.
@Suite struct WireFormatFuzzTests {
    /// Every event payload and sale record of the committed fixture journals.
    static let seeds: (events: [[UInt8]], sales: [[UInt8]]) = {
        var events: [[UInt8]] = [], sales: [[UInt8]] = []
        for name in ["journal-v0.sqlite", "journal-v1.sqlite"] {
            let queue = try! DatabaseQueue(path: GoldenScenario.fixtures.appendingPathComponent(name).path,
                                           configuration: { var c = Configuration(); c.readonly = true; return c }())
            try! queue.read { db in
                events += try String.fetchAll(db, sql: "SELECT payload FROM event ORDER BY seq").map { Array($0.utf8) }
                sales += try String.fetchAll(db, sql: "SELECT record FROM sale ORDER BY seq").map { Array($0.utf8) }
            }
        }
        return (events, sales)
    }()
    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\"v\":1,", "\"v\":0,", "\"v\":2,", "\"type\":\"item-scanned\",", "\"type\":\"sale-completed\",",
        "\"minorUnits\":", "\"currency\":", "\"gtin\":\"", "\\u0000", "\\ud800", "\\\"", "null", "true", "-", "1.5", "\"\"",
    ].map { Array($0.utf8) }

    static func make(_ r: inout SplitMix64) -> (sale: Bool, text: String) {
        let sale = r.chance(30)
        let pool = sale ? seeds.sales : seeds.events
        var bytes = r.pick(pool)
        if r.chance(2) { bytes = Mutation.deepJSON(1 + r.below(20_000), object: r.chance(50)) }
        if r.chance(90) { Mutation.mutate(&bytes, &r, tokens: tokens, others: pool) }
        return (sale, String(decoding: bytes, as: UTF8.self))
    }

    static func check(_ input: (sale: Bool, text: String)) -> Fuzz.Verdict {
        if input.sale {
            guard let sale = try? JournalFormat.sale(record: input.text) else { return .refused }
            let written = JournalFormat.record(sale)
            guard let again = try? JournalFormat.sale(record: written), again == sale, JournalFormat.record(again) == written
            else { return .wrong("sale does not read back from \(written.debugDescription)") }
        } else {
            guard let event = try? JournalFormat.journalEvent(payload: input.text) else { return .refused }
            let written = JournalFormat.payload(event)
            guard let again = try? JournalFormat.journalEvent(payload: written), again == event, JournalFormat.payload(again) == written
            else { return .wrong("event does not read back from \(written.debugDescription)") }
        }
        return .accepted
    }

    @Test func journalPayloads() async {
        #expect(Self.seeds.events.count >= 100 && Self.seeds.sales.count >= 6)
        let report = await Fuzz.run("journal payloads", seed: 0x10E7_4A1, ci: 5_000, make: Self.make,
                                    show: { "\($0.sale ? "sale" : "event") \($0.text.debugDescription)" }, check: Self.check)
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 20)
    }
}
