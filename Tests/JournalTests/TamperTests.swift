import Checkout
import Foundation
import GRDB
@testable import Journal
import KioskTestSupport
import Retail
import Testing

/// Every way of changing a journal after the fact, and who notices: the lane (`verify`, the
/// start-up check) or head office, which keeps the newest signed head it pulled.
@Suite struct TamperTests {
    /// The golden scenario (three sales, every event type), signed with the fixture key, and the
    /// newest signed head as head office would have kept it after pulling everything.
    func signedJournal() throws -> (LaneJournal, SignedHead, URL) {
        let (journal, dir) = try GoldenScenario.open("journal-v1-signed.sqlite", identity: GoldenScenario.identity)
        let kept = try #require(try journal.signHead(at: 9_000_000))
        return (journal, kept, dir)
    }

    func tamper(_ journal: LaneJournal, _ sql: String) throws {
        try journal.pool.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    func verifyError(_ journal: LaneJournal) throws -> JournalError {
        try #require(throws: JournalError.self) { try journal.verify() }
    }

    /// What an attacker with the file but without the key does after an edit: recompute every
    /// hash from `seq` on, so the chain is whole again.
    func rehash(_ journal: LaneJournal, from seq: Int64) throws {
        try journal.pool.write { db in
            var previous = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = ?", arguments: [seq - 1])
                .map { [UInt8]($0) } ?? LaneJournal.genesis
            for row in try Row.fetchAll(db, sql: "SELECT * FROM event WHERE seq >= ? ORDER BY seq", arguments: [seq]) {
                let hash = LaneJournal.chain(previous, seq: row["seq"], at: row["at"], session: row["session"],
                                             kind: row["kind"], payload: row["payload"], writes: row["writes"])
                try db.execute(sql: "UPDATE event SET hash = ? WHERE seq = ?", arguments: [Data(hash), row["seq"]])
                previous = hash
            }
        }
    }

    @Test func anUntouchedJournalVerifies() throws {
        let (journal, kept, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try journal.verify()
        #expect(report.events == GoldenScenario.eventCount)
        #expect(report.signedHeads == GoldenScenario.saleIDs.count + 1)
        #expect(report.derivedRows > 30)
        try journal.check(against: kept)
    }

    @Test func anEditedEventBreaksTheChain() throws {
        let (journal, _, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        try tamper(journal, "UPDATE event SET payload = replace(payload, '\"minorUnits\":1200', '\"minorUnits\":120') WHERE seq = 3")
        let error = try verifyError(journal)
        #expect(error.code == "chain-broken" && error.seq == 3)
    }

    @Test(arguments: [
        ("UPDATE sale SET total = total - 100 WHERE id = 'L1-2000'", "sale"),
        ("UPDATE sale_line SET amount = 1 WHERE sale_id = 'L1-2000' AND line_no = 1", "sale_line"),
        ("DELETE FROM sale_discount WHERE sale_id = 'L1-20000'", "sale_discount"),
        ("UPDATE sale_tax SET tax = 0 WHERE sale_id = 'L1-20000'", "sale_tax"),
        ("UPDATE sale_payment SET reference = 'T-9999' WHERE sale_id = 'L1-2000'", "sale_payment"),
        ("DELETE FROM coupon_redemption WHERE coupon_id = 'TEA-10'", "coupon_redemption"),
        ("INSERT INTO coupon_redemption (coupon_id, sale_id, seq, amount) VALUES ('FAKE', 'L1-2000', 17, 100)", "coupon_redemption"),
        ("UPDATE payment_attempt SET state = 'declined' WHERE id = 'L1-20000-P1'", "payment_attempt"),
        ("UPDATE receipt SET state = 'printed' WHERE sale_id = 'L1-2000'", "receipt"),
        ("UPDATE session SET outcome = 'cancelled' WHERE id = 'L1-2000'", "session"),
    ])
    func anEditedDerivedRowIsDetected(sql: String, table: String) throws {
        let (journal, _, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        try #require(try journal.verify().events > 0)
        try tamper(journal, sql)
        let error = try verifyError(journal)
        #expect(error.code == "derived-mismatch")
        #expect("\(error)".contains(table + ":"), "\(error)")
        #expect(try journal.verifyChain() == GoldenScenario.eventCount, "the event chain alone cannot see it")
    }

    @Test func aDeletedEventIsAHole() throws {
        let (journal, _, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        try tamper(journal, "PRAGMA foreign_keys = OFF; DELETE FROM event WHERE seq = 20")
        let error = try verifyError(journal)
        #expect(error.code == "chain-broken" && error.seq == 20)
    }

    @Test func aTruncatedTailIsSeenByItsSignedHeadsAndByHeadOffice() throws {
        let (journal, kept, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Cut after the second sale; the third sale's signed head is left behind.
        let lastSale = try journal.rows("SELECT seq FROM sale ORDER BY seq DESC LIMIT 1")[0]["seq"] as Int64
        try tamper(journal, "PRAGMA foreign_keys = OFF; DELETE FROM event WHERE seq >= \(lastSale)")
        let error = try verifyError(journal)
        #expect(error.code == "entries-removed")

        // Cut the signed heads too: the lane alone cannot tell any more, head office can.
        try tamper(journal, "DELETE FROM signed_head WHERE seq >= \(lastSale); DELETE FROM sale WHERE seq >= \(lastSale)")
        try tamper(journal, "DELETE FROM sale_line WHERE sale_id NOT IN (SELECT id FROM sale); DELETE FROM sale_tax WHERE sale_id NOT IN (SELECT id FROM sale); DELETE FROM sale_discount WHERE sale_id NOT IN (SELECT id FROM sale); DELETE FROM sale_payment WHERE sale_id NOT IN (SELECT id FROM sale); DELETE FROM receipt WHERE sale_id NOT IN (SELECT id FROM sale); DELETE FROM coupon_redemption WHERE sale_id NOT IN (SELECT id FROM sale); DELETE FROM payment_attempt WHERE requested_seq >= \(lastSale - 3); DELETE FROM session WHERE started_seq >= \(lastSale - 5)")
        _ = try? journal.verify() // may or may not see leftovers; what matters is the kept head
        let outside = try #require(throws: JournalError.self) { try journal.check(against: kept) }
        #expect(outside.code == "entries-removed")
    }

    @Test func aRehashedChainIsSeenByTheSignedHeadsOrByHeadOffice() throws {
        let (journal, kept, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        try tamper(journal, "UPDATE event SET payload = replace(payload, '\"minorUnits\":1200', '\"minorUnits\":120') WHERE seq = 3")
        try rehash(journal, from: 3)
        #expect(try journal.verifyChain() == GoldenScenario.eventCount, "the chain is whole again")
        #expect(try verifyError(journal).code == "chain-rewritten", "the signed heads still name the old hashes")

        // Without the signed heads the lane cannot tell; head office's kept head still can.
        try tamper(journal, "DELETE FROM signed_head")
        #expect(try journal.verify().events == GoldenScenario.eventCount)
        let outside = try #require(throws: JournalError.self) { try journal.check(against: kept) }
        #expect(outside.code == "chain-rewritten")
    }

    @Test func aForgedSignedHeadIsRefused() throws {
        let (journal, _, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        try tamper(journal, "UPDATE signed_head SET at = at + 1 WHERE seq = (SELECT MIN(seq) FROM signed_head)")
        #expect(try verifyError(journal).code == "signature-invalid")
    }

    @Test func aHeadSignedByAnotherKeyIsRefused() throws {
        let (journal, dir) = try GoldenScenario.open("journal-v1-signed.sqlite",
                                                     identity: try LaneIdentity(laneID: "L1", privateKey: [UInt8](repeating: 8, count: 32)))
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try verifyError(journal).code == "signature-invalid")
    }

    // MARK: - Start-up

    @Test func startUpChecksOnlyWhatCameSinceTheLastStart() throws {
        let (journal, _, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try journal.verifyOnStart(at: 9_000_001) == StartCheck(from: 0, to: GoldenScenario.eventCount))
        #expect(try journal.verifyOnStart(at: 9_000_002) == StartCheck(from: GoldenScenario.eventCount, to: GoldenScenario.eventCount))

        // An edit after the checkpoint is caught at start; one before it only by a full verify
        // and by head office (docs/journal-format.md says so).
        var shell = try Shell(journal: journal)
        _ = try shell.engine.record(.couponsRedeemedElsewhere(ids: ["SPRING-0099"], client: "hq"), at: 9_100_000)
        try tamper(journal, "UPDATE event SET at = at + 1 WHERE seq = \(GoldenScenario.eventCount + 1)")
        #expect((try #require(throws: JournalError.self) { try journal.verifyOnStart(at: 9_200_000) }).seq == GoldenScenario.eventCount + 1)
        try tamper(journal, "UPDATE event SET at = at - 1 WHERE seq = \(GoldenScenario.eventCount + 1)")
        #expect(try journal.verifyOnStart(at: 9_200_001).from == GoldenScenario.eventCount)

        try tamper(journal, "UPDATE event SET at = at + 1 WHERE seq = 5")
        #expect(try journal.verifyOnStart(at: 9_200_002).to == GoldenScenario.eventCount + 1)
        #expect(try verifyError(journal).seq == 5)
    }

    @Test func aCheckpointMovedByHandIsRefused() throws {
        let (journal, _, dir) = try signedJournal()
        defer { try? FileManager.default.removeItem(at: dir) }
        try journal.verifyOnStart(at: 9_000_001)
        // Pointing the checkpoint at an entry that was never signed skips nothing.
        try tamper(journal, "UPDATE start_check SET seq = 49")
        #expect((try #require(throws: JournalError.self) { try journal.verifyOnStart(at: 9_000_002) }).code == "entries-removed")
    }
}

/// The lane's key file.
@Suite struct LaneIdentityTests {
    @Test func theKeyIsMadeOncePrivateAndReused() throws {
        try withTemporaryDirectory { dir in
            let state = dir.appendingPathComponent("state")
            let first = try LaneIdentity.loadOrCreate(stateDirectory: state, laneID: "L07")
            let again = try LaneIdentity.loadOrCreate(stateDirectory: state, laneID: "L07")
            #expect(first.publicKey == again.publicKey && first.publicKey.count == 32)
            let key = try FileManager.default.attributesOfItem(atPath: state.appendingPathComponent(LaneIdentity.fileName).path)
            #expect((key[.posixPermissions] as? Int) == 0o600)
            let folder = try FileManager.default.attributesOfItem(atPath: state.path)
            #expect((folder[.posixPermissions] as? Int) == 0o700)
            #expect(first.fingerprint.hasPrefix("SHA256:") && first.fingerprint.count == 7 + 32 + 7)
            let head = first.sign(seq: 3, hash: [UInt8](repeating: 1, count: 32), at: 5)
            #expect(head.isValid(publicKey: again.publicKey))
            #expect(!SignedHead(lane: "L08", seq: 3, hash: head.hash, at: 5, signature: head.signature).isValid(publicKey: first.publicKey),
                    "another lane's id does not pass with this lane's signature")
        }
    }

    @Test func aKeyOthersCanReadIsRefused() throws {
        try withTemporaryDirectory { dir in
            _ = try LaneIdentity.loadOrCreate(stateDirectory: dir, laneID: "L1")
            #expect(chmod(dir.appendingPathComponent(LaneIdentity.fileName).path, 0o644) == 0)
            #expect(throws: LaneIdentity.FileError.self) { try LaneIdentity.loadOrCreate(stateDirectory: dir, laneID: "L1") }
        }
    }

    @Test func aDamagedKeyFileIsAnErrorNotANewKey() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent(LaneIdentity.fileName)
            #expect(FileManager.default.createFile(atPath: path.path, contents: Data("{\"v\":1}".utf8), attributes: [.posixPermissions: 0o600]))
            #expect(throws: LaneIdentity.FileError.self) { try LaneIdentity.loadOrCreate(stateDirectory: dir, laneID: "L1") }
            let text = try String(contentsOf: path, encoding: .utf8)
            #expect(text == "{\"v\":1}", "the file is left as it was")
        }
    }
}
