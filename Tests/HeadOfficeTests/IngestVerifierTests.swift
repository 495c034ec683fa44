import Foundation
import HeadOffice
import Journal
import Testing

/// Verification on ingest, without I/O: each page and status a lane might answer, against the
/// enrolment and the stored cursor; every quarantine class with its evidence.
@Suite struct IngestVerifierTests {
    func finding(_ body: () throws -> Void) -> QuarantineFinding? {
        #expect(throws: QuarantineFinding.self) { try body() }
        do { try body() } catch let finding as QuarantineFinding { return finding } catch {}
        return nil
    }

    @Test func aWholeJournalVerifiesFromTheStartWithItsSales() throws {
        let lane = try LaneFixture()
        let page = try IngestVerifier.check(lane.page(after: 0), overlap: true, lane: lane.enrolled, cursor: .empty)
        #expect(page.events.count == 50 && page.cursor == lane.cursor(50))
        #expect(page.sales.count == lane.salesCount && page.sales.count == 3)
        #expect(page.sales.allSatisfy { sale in lane.event(sale.seq).writes!.contains(sale.rows.id) })
        #expect(page.needsAcknowledgement)
    }

    @Test func aPageAfterTheCursorRepeatsTheCursorsEventAndStoresOnlyTheNewOnes() throws {
        let lane = try LaneFixture()
        let after = IngestVerifier.after(lane.cursor(20), overlap: true)
        #expect(after == 19)
        let page = try IngestVerifier.check(lane.page(after: after, count: 6), overlap: true, lane: lane.enrolled, cursor: lane.cursor(20))
        #expect(page.events.map(\.seq) == Array(21...25) && page.cursor == lane.cursor(25))
        // Only the repeated event fitted: nothing new, the cursor stays.
        let small = try IngestVerifier.check(lane.page(after: 19, count: 1), overlap: true, lane: lane.enrolled, cursor: lane.cursor(20))
        #expect(small.events.isEmpty && small.cursor.seq == 20)
    }

    @Test func anotherHashAtTheStoredSeqIsAFork() throws {
        let lane = try LaneFixture()
        let stored = LaneCursor(seq: 20, hash: [UInt8](repeating: 1, count: 32), newestHead: nil)
        let found = finding { _ = try IngestVerifier.check(lane.page(after: 19), overlap: true, lane: lane.enrolled, cursor: stored) }
        #expect(found?.reason == .fork && found?.evidence["seq"] == .int(20) && found?.evidence["laneHash"] == .string(Hex.encode(lane.event(20).hash)))
        // A signed head seen earlier, ahead of the stored events, that the lane now contradicts.
        let seen = LaneCursor(seq: 10, hash: lane.event(10).hash,
                              newestHead: SignedHead(lane: "lane-1", seq: 30, hash: [UInt8](repeating: 2, count: 32), at: 1, signature: []))
        let later = finding { _ = try IngestVerifier.check(lane.page(after: 9), overlap: true, lane: lane.enrolled, cursor: seen) }
        #expect(later?.reason == .fork && later?.evidence["seq"] == .int(30))
    }

    @Test func anEventThatDoesNotHashBreaksTheChain() throws {
        let lane = try LaneFixture()
        var page = lane.page(after: 19, count: 10)
        var events = page.events
        let e = events[3]
        events[3] = StoredEvent(seq: e.seq, at: e.at + 1, session: e.session, kind: e.kind, payload: e.payload, writes: e.writes, hash: e.hash)
        page = EventPage(after: page.after, events: events, last: page.last, more: page.more, head: page.head)
        let found = finding { _ = try IngestVerifier.check(page, overlap: true, lane: lane.enrolled, cursor: lane.cursor(20)) }
        #expect(found?.reason == .chainBroken && found?.evidence["seq"] == .int(e.seq))
    }

    @Test func aMissingEventIsAGap() throws {
        let lane = try LaneFixture()
        let page = lane.page(after: 19, count: 10)
        var events = page.events
        events.remove(at: 4)
        let holed = EventPage(after: 19, events: events, last: page.last, more: page.more, head: page.head)
        let found = finding { _ = try IngestVerifier.check(holed, overlap: true, lane: lane.enrolled, cursor: lane.cursor(20)) }
        #expect(found?.reason == .gap && found?.evidence["expectedSeq"] == .int(24) && found?.evidence["seq"] == .int(25))
    }

    @Test func aHeadSignedWithAnotherKeyOrForAnotherEventIsRefused() throws {
        let lane = try LaneFixture(), other = try LaneFixture(seed: 10)
        let page = lane.page(after: 0, count: 5)
        let forged = EventPage(after: 0, events: page.events, last: 5, more: true, head: other.head(5))
        #expect(finding { _ = try IngestVerifier.check(forged, overlap: true, lane: lane.enrolled, cursor: .empty) }?.reason == .badSignature)
        let stale = EventPage(after: 0, events: page.events, last: 5, more: true, head: lane.head(4))
        #expect(finding { _ = try IngestVerifier.check(stale, overlap: true, lane: lane.enrolled, cursor: .empty) }?.reason == .headMismatch)
        let elsewhere = try LaneFixture(id: "lane-2")
        let theirs = EventPage(after: 0, events: page.events, last: 5, more: true, head: elsewhere.head(5))
        #expect(finding { _ = try IngestVerifier.check(theirs, overlap: true, lane: lane.enrolled, cursor: .empty) }?.reason == .identityMismatch)
    }

    @Test func aLaneBehindWhatHeadOfficeStoredOrSawSignedWasRolledBack() throws {
        let lane = try LaneFixture()
        let behind = finding { _ = try IngestVerifier.check(lane.status(newest: 10), lane: lane.enrolled, cursor: lane.cursor(20)) }
        #expect(behind?.reason == .rolledBack && behind?.evidence["newestSeq"] == .int(10) && behind?.evidence["storedSeq"] == .int(20))
        let signed = finding { _ = try IngestVerifier.check(lane.status(newest: 30), lane: lane.enrolled, cursor: lane.cursor(20, head: 40)) }
        #expect(signed?.reason == .rolledBack && signed?.evidence["signedSeq"] == .int(40))
        // 409 cursor-beyond-head, and a page that lacks the cursor's own event.
        #expect(IngestVerifier.rolledBack(cursor: lane.cursor(20), newestSeq: 3).reason == .rolledBack)
        let empty = EventPage(after: 19, events: [], last: 19, more: false, head: nil)
        #expect(finding { _ = try IngestVerifier.check(empty, overlap: true, lane: lane.enrolled, cursor: lane.cursor(20)) }?.reason == .rolledBack)
    }

    @Test func anotherLaneOrKeyIsAnIdentityMismatch() throws {
        let lane = try LaneFixture(), other = try LaneFixture(id: "lane-2", seed: 11)
        let found = finding { _ = try IngestVerifier.check(other.status(), lane: lane.enrolled, cursor: .empty) }
        #expect(found?.reason == .identityMismatch && found?.evidence["laneID"] == .string("lane-2"))
        let rekeyed = try LaneFixture(seed: 12)
        #expect(finding { _ = try IngestVerifier.check(rekeyed.status(), lane: lane.enrolled, cursor: .empty) }?.reason == .identityMismatch)
    }

    @Test func aGoodStatusKeepsItsHeadOnlyWhenNewer() throws {
        let lane = try LaneFixture()
        #expect(try IngestVerifier.check(lane.status(), lane: lane.enrolled, cursor: lane.cursor(20))?.seq == 50)
        #expect(try IngestVerifier.check(lane.status(), lane: lane.enrolled, cursor: lane.cursor(20, head: 50)) == nil)
        let stranger = LaneCursor(seq: 50, hash: [UInt8](repeating: 3, count: 32), newestHead: nil)
        #expect(finding { _ = try IngestVerifier.check(lane.status(), lane: lane.enrolled, cursor: stranger) }?.reason == .fork)
    }

    @Test func pagesOfHeadOfficesOwnAcknowledgementsNeedNoAcknowledgement() throws {
        var lane = try LaneFixture()
        lane.append(kind: StoredEvent.acknowledgementKind, at: 460_000)
        let page = try IngestVerifier.check(lane.page(after: 49), overlap: true, lane: lane.enrolled, cursor: lane.cursor(50))
        #expect(page.events.map(\.kind) == [StoredEvent.acknowledgementKind] && !page.needsAcknowledgement)
    }

    @Test func anEventTimeNoPartitionHoldsIsRefused() throws {
        var lane = try LaneFixture()
        lane.append(kind: "scan", at: -1)
        let found = finding { _ = try IngestVerifier.check(lane.page(after: 49), overlap: true, lane: lane.enrolled, cursor: lane.cursor(50)) }
        #expect(found?.reason == .timeOutOfRange)
    }

    @Test func anAnswerThatIsNotTheDocumentsIsAnErrorWithItsPath() throws {
        let event = #"{"seq":1,"at":5,"session":null,"kind":"k","payload":"{}","hash":"\#(String(repeating: "a", count: 64))""#
        func page(_ events: String) -> Data { Data(#"{"after":0,"events":[\#(events)],"last":1,"more":false,"head":null}"#.utf8) }
        #expect(throws: InvalidAnswer(path: "events[0].writes", problem: "missing")) { try SyncWire.eventPage(page(event + "}")) }
        #expect(throws: InvalidAnswer.self) { try SyncWire.eventPage(page(event.replacingOccurrences(of: "aaaa", with: "AAAA") + #","writes":null}"#)) }
        #expect(throws: InvalidAnswer.self) { try SyncWire.eventPage(page(event.replacingOccurrences(of: "\"seq\":1", with: "\"seq\":1.5") + #","writes":null}"#)) }
        #expect(throws: InvalidAnswer.self) { try SyncWire.eventPage(Data("<html>".utf8)) }
        #expect(throws: InvalidAnswer.self) { try SyncWire.laneStatus(Data(#"{"laneID":"x"}"#.utf8)) }
        let good = try SyncWire.eventPage(page(event + #","writes":null,"future":1}"#))
        #expect(good.events.first?.session == nil && good.events.first?.writes == nil)
        // A page whose own bookkeeping is wrong is an error, not a finding.
        let lane = try LaneFixture()
        let p = lane.page(after: 0, count: 3)
        let wrongLast = EventPage(after: 0, events: p.events, last: 7, more: true, head: p.head)
        #expect(throws: InvalidAnswer.self) { try IngestVerifier.check(wrongLast, overlap: true, lane: lane.enrolled, cursor: .empty) }
    }
}

@Suite struct CollectorPureTests {
    @Test func monthsAreUTCMonthsWithTheirBounds() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for (year, month) in [(1970, 1), (2024, 2), (2024, 3), (2026, 12), (9999, 12)] {
            let start = Int64(calendar.date(from: DateComponents(year: year, month: month, day: 1))!.timeIntervalSince1970 * 1000)
            let m = try #require(EventPartitions.month(of: start))
            #expect(m.year == year && m.month == month && m.from == start)
            #expect(EventPartitions.month(of: m.to - 1) == m && EventPartitions.month(of: m.to) != m)
        }
        #expect(EventPartitions.month(of: 1_765_000_000_000)?.table == "event_y2025m12")
        #expect(EventPartitions.month(of: -1) == nil && EventPartitions.month(of: 253_402_300_800_000) == nil)
    }

    @Test func backOffDoublesToItsCapWithJitter() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(60))
        #expect(backoff.delay(failures: 1, unit: 1) == .seconds(1) && backoff.delay(failures: 1, unit: 0) == .milliseconds(500))
        #expect(backoff.delay(failures: 4, unit: 1) == .seconds(8))
        #expect(backoff.delay(failures: 10, unit: 1) == .seconds(60) && backoff.delay(failures: 1000, unit: 1) == .seconds(60))
        #expect(backoff.delay(failures: 0, unit: 1) == .zero)
    }

    @Test func lagIsCountedFromTheOldestEventHeadOfficeLacks() {
        let now: Int64 = 10 * 60_000
        let behind = LaneStatusRow(lane: "l", store: "s", storedSeq: 5, laneNewestSeq: 9, laneOldestUnacknowledgedAt: 60_000,
                                   lastEventAt: 30_000, lastContactAt: now, lastError: nil, quarantine: nil, now: now)
        #expect(behind.lagEvents == 4 && behind.lagMinutes == 9)
        let current = LaneStatusRow(lane: "l", store: "s", storedSeq: 9, laneNewestSeq: 9, laneOldestUnacknowledgedAt: 60_000,
                                    lastEventAt: 30_000, lastContactAt: now, lastError: nil, quarantine: nil, now: now)
        #expect(current.lagEvents == 0 && current.lagMinutes == 0)
        let never = LaneStatusRow(lane: "l", store: "s", storedSeq: 0, laneNewestSeq: nil, laneOldestUnacknowledgedAt: nil,
                                  lastEventAt: nil, lastContactAt: nil, lastError: "unreachable: x", quarantine: nil, now: now)
        #expect(never.lagEvents == nil && LaneStatusRow.table([never]).contains("never"))
        #expect(LaneStatusRow.json([behind]).contains(#""lagEvents":4"#))
    }
}
