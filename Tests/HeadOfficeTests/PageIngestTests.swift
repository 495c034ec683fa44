import Foundation
import HeadOffice
import Journal
import KioskTestSupport
import PostgresNIO
import Testing

/// Ingest on a real PostgreSQL: a page, its sales and the cursor in one transaction, stored once
/// however often it is offered; a quarantine keeps its evidence and stores nothing.
@Suite struct PageIngestTests {
    func enrol(_ lane: LaneFixture, _ db: PostgresHandle) async throws {
        try await LaneRegistry(db).add(lane.enrolled)
    }

    func count(_ cluster: PostgresCluster, _ url: String, _ sql: String) async throws -> String {
        try await cluster.psql(database: databaseName(url), sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aPageIsStoredOnceEvenWhenIngestedTwice() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            let lane = try LaneFixture()
            try await enrol(lane, db)
            let ingest = PageIngest(db)
            let page = try IngestVerifier.check(lane.page(after: 0, count: 20), overlap: true, lane: lane.enrolled, cursor: .empty)
            #expect(try await ingest.store(page, lane: "lane-1") == .stored(lane.cursor(20)))
            // A second collector with the same page (it verified against the old cursor): dropped.
            #expect(try await ingest.store(page, lane: "lane-1") == .superseded)
            #expect(try await count(cluster, url, "SELECT count(*), max(seq) FROM event WHERE lane = 'lane-1'") == "20\t20")
            #expect(try await CursorStore(db).cursor("lane-1") == lane.cursor(20))
            let hash = try await count(cluster, url, "SELECT encode(hash, 'hex') FROM lane_cursor WHERE lane = 'lane-1'")
            #expect(hash == Hex.encode(lane.event(20).hash))
        }
    }

    @Test func theCursorAndTheRowsMoveTogether() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            let lane = try LaneFixture()
            try await enrol(lane, db)
            let ingest = PageIngest(db)
            var cursor = LaneCursor.empty
            var sales: [SaleRows] = []
            while cursor.seq < 50 {
                let page = try IngestVerifier.check(lane.page(after: IngestVerifier.after(cursor, overlap: true), count: 7), overlap: true,
                                                    lane: lane.enrolled, cursor: cursor)
                guard case .stored(let next) = try await ingest.store(page, lane: "lane-1") else { Issue.record("superseded"); return }
                sales += page.sales.map(\.rows)
                cursor = next
            }
            #expect(sales.count == 3)
            #expect(try await count(cluster, url, "SELECT count(*) FROM event") == "50")
            #expect(try await count(cluster, url, "SELECT string_agg(id || ':' || total, ',' ORDER BY seq) FROM sale")
                    == sales.map { "\($0.id):\($0.total)" }.joined(separator: ","))
            #expect(try await count(cluster, url, "SELECT count(*) FROM sale_line") == "\(sales.map(\.lines.count).reduce(0, +))")
            #expect(try await count(cluster, url, "SELECT count(*) FROM sale_tax") == "\(sales.map(\.taxes.count).reduce(0, +))")
            #expect(try await count(cluster, url, "SELECT coalesce(sum(amount), 0) FROM sale_payment") == "\(sales.map(\.payment.amount).reduce(0, +))")
            #expect(try await count(cluster, url, "SELECT count(*) FROM sale_discount") == "\(sales.map(\.discounts.count).reduce(0, +))")
            #expect(try await count(cluster, url, "SELECT count(*) FROM coupon_redemption") == "\(sales.map(\.redemptions.count).reduce(0, +))")
            // Every event byte for byte: the chain recomputes from what PostgreSQL holds.
            let rows = try await count(cluster, url, "SELECT string_agg(encode(hash, 'hex'), ',' ORDER BY seq) FROM event")
            #expect(rows == lane.events.map { Hex.encode($0.hash) }.joined(separator: ","))
        }
    }

    @Test func aPageThatFailsHalfwayStoresNothingAndLeavesTheCursor() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            let lane = try LaneFixture()
            try await enrol(lane, db)
            let page = try IngestVerifier.check(lane.page(after: 0), overlap: true, lane: lane.enrolled, cursor: .empty)
            // A sale row already there (by hand): the page's sale insert fails after its events went in.
            let first = try #require(page.sales.first)
            try await cluster.psql(database: databaseName(url), """
                INSERT INTO sale (lane, id, seq, completed_at, currency, minor_digits, subtotal, total, item_count)
                VALUES ('lane-1', '\(first.rows.id)', 999, now(), 'CNY', 2, 0, 0, 0)
                """)
            await #expect(throws: (any Error).self) { try await PageIngest(db).store(page, lane: "lane-1") }
            #expect(try await count(cluster, url, "SELECT count(*) FROM event") == "0")
            #expect(try await CursorStore(db).cursor("lane-1") == .empty)
        }
    }

    @Test func eventsGoToTheirMonthsPartitions() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            var lane = try LaneFixture()
            lane.append(kind: "scan", at: 1_797_000_000_000) // 2026-12
            lane.append(kind: "scan", at: 1_799_000_000_000) // 2027-01
            try await enrol(lane, db)
            let page = try IngestVerifier.check(lane.page(after: 0), overlap: true, lane: lane.enrolled, cursor: .empty)
            _ = try await PageIngest(db).store(page, lane: "lane-1")
            let parts = try await count(cluster, url, """
                SELECT string_agg(tableoid::regclass::text || '=' || n, ',' ORDER BY tableoid::regclass::text)
                FROM (SELECT tableoid, count(*) AS n FROM event GROUP BY tableoid) t
                """)
            #expect(parts == "event_y1970m01=50,event_y2026m12=1,event_y2027m01=1")
        }
    }

    @Test func aQuarantineKeepsItsEvidenceStoresNothingAndIsReleasedByStaff() async throws {
        try await withHeadOfficeDatabase { db, cluster, url in
            let lane = try LaneFixture()
            try await enrol(lane, db)
            let ingest = PageIngest(db), cursors = CursorStore(db)
            let finding = QuarantineFinding(.fork, ["seq": .int(3)])
            #expect(try await ingest.quarantine("lane-1", finding: finding, against: .empty))
            #expect(try await cursors.cursor("lane-1").quarantineReason == "fork")
            // Nothing is stored for a quarantined lane, even a page verified before.
            let page = try IngestVerifier.check(lane.page(after: 0, count: 5), overlap: true, lane: lane.enrolled, cursor: .empty)
            #expect(try await ingest.store(page, lane: "lane-1") == .superseded)
            #expect(try await count(cluster, url, "SELECT count(*) FROM event") == "0")
            #expect(try await count(cluster, url, "SELECT reason || ' ' || (detail->>'seq') || ' ' || (detail->>'cursorSeq') FROM quarantine_evidence")
                    == "fork 3 0")
            #expect(try await cursors.statusRows().first?.quarantine == "fork")
            #expect(try await cursors.release("lane-1") == "fork")
            await #expect(throws: CursorStore.Problem.notQuarantined("lane-1")) { try await cursors.release("lane-1") }
            #expect(try await count(cluster, url, "SELECT count(*) FROM quarantine_evidence WHERE released_at IS NOT NULL") == "1")
            #expect(try await ingest.store(page, lane: "lane-1") == .stored(lane.cursor(5)))
        }
    }
}
