import Checkout
import Crypto
import Foundation
import Journal
import KioskTestSupport
import Peripherals
import Retail
import Testing
@testable import KioskApp

/// Head office's pushes applied to a running lane: each takes effect at once, is journaled (and
/// the signed journal still verifies), survives a restart, and bad input changes nothing.
@Suite struct PushTests {
    static let assets = repositoryRoot.appendingPathComponent("assets")
    static let header = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing\n"

    func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    func scan(_ lane: TestLane, _ code: String) async -> ScanOutcome {
        await lane.runtime.scan(ScannedCode(data: code, source: "test"))
    }

    func plainItem(_ item: CatalogItem) -> Bool {
        item.pricing == .unit && item.minimumAge == nil && item.multiBuy == nil && item.offer == nil && item.memberPrice == nil
    }

    /// The admin events journaled so far.
    func adminEvents(_ lane: TestLane) throws -> [AdminEvent] {
        try lane.journal.entries().compactMap { if case .admin(let event) = $0.event { event } else { nil } }
    }

    func report(_ lane: TestLane) throws -> String {
        try JournalReport(path: lane.directory.appendingPathComponent("journal.sqlite").path).render(limit: 20)
    }

    /// Pushes `csv` as the sync route would: streamed to a file in the state folder first.
    func pushCatalog(_ lane: TestLane, _ csv: String) async throws -> CatalogPushResult {
        let file = lane.directory.appendingPathComponent("push-\(UUID().uuidString).csv")
        try Data(csv.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await lane.runtime.installCatalog(csvFile: file, sha256: Array(SHA256.hash(data: Data(csv.utf8))), client: "ho")
    }

    func expectRefusal(_ code: PushError.Code, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                       _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("accepted; expected \(code.rawValue)", sourceLocation: sourceLocation)
        } catch let error as PushError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Catalog

    @Test func aPushedCatalogSellsOnTheRunningLaneAndAfterARestart() async throws {
        let lane = try TestLane()
        let demoItem = try lane.code(plainItem)
        #expect(lane.setup.catalog.items.allSatisfy { $0.gtin.displayForm != "4006381333931" })
        guard case .refused("unknown-item", _) = await scan(lane, "4006381333931") else { Issue.record("sold before the push"); return }

        let csv = Self.header + "4006381333931,Highlighter,荧光笔,12.50,,A,,,unit\nnot-a-gtin,Broken,,1.00,,A,,,unit\n"
            + "5012345678900,Pad,,abc,,Q,,,unit\n"
        let result = try await pushCatalog(lane, csv)
        #expect(result == CatalogPushResult(version: "1", items: 1, rejectedCount: 2, rejected: [
            .init(line: 3, code: "invalid-gtin"), .init(line: 4, code: "invalid-price")]))

        // In force at once, and the settings' CSV is no longer sold from.
        #expect(await scan(lane, "4006381333931") == .accepted)
        guard case .refused("unknown-item", _) = await scan(lane, demoItem) else { Issue.record("sold from the old catalog"); return }
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let sold = try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }
        #expect(sold.lastSale?.lines.map(\.item.name.en) == ["Highlighter"])
        #expect(sold.lastSale?.priced.total.minorUnits == 1250)

        #expect(try adminEvents(lane) == [.catalogInstalled(.init(version: "1", items: 1, rejected: 2,
                                                                 sha256: Array(SHA256.hash(data: Data(csv.utf8))), client: "ho"))])
        _ = try lane.journal.verify()
        #expect(try report(lane).contains("catalog-installed 1 (1 items, 2 rejected) by ho"))

        let restarted = try TestLane(directory: lane.directory)
        #expect(await scan(restarted, "4006381333931") == .accepted)
        guard case .refused("unknown-item", _) = await scan(restarted, demoItem) else { Issue.record("restart went back to the CSV"); return }
    }

    @Test func theFirstThousandRejectedRowsAreListedAndAllCounted() async throws {
        let lane = try TestLane()
        // Every column but name_zh wrong: ten errors a row, the row listed once, with the first found.
        let bad = Array(repeating: "x,,,abc,abc,Q,x,x,x,x,g", count: 1500)
        let csv = "gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing,offer,group\n"
            + "4006381333931,Highlighter,,12.50,,A,,,unit,,\n" + bad.joined(separator: "\n")
        let result = try await pushCatalog(lane, csv)
        #expect(result.items == 1 && result.rejectedCount == 1500)
        #expect(result.rejected.count == 1000)
        #expect(result.rejected.first == CatalogPushResult.RejectedRow(line: 3, code: "invalid-pricing"))
        #expect(result.rejected.last == CatalogPushResult.RejectedRow(line: 1002, code: "invalid-pricing"))
    }

    @Test func aCatalogWithNothingUsableIsRefusedAndTheLaneKeepsItsCatalog() async throws {
        let lane = try TestLane()
        let demoItem = try lane.code(plainItem)
        await expectRefusal(.catalogRefused) {
            _ = try await pushCatalog(lane, Self.header + "not-a-gtin,Broken,,1.00,,A,,,unit\n4006381333931,Pad,,abc,,A,,,unit\n")
        }
        await expectRefusal(.catalogRefused) {
            _ = try await pushCatalog(lane, "gtin,name\n4006381333931,Highlighter\n")
        }
        await expectRefusal(.catalogRefused) { _ = try await pushCatalog(lane, "") }
        #expect(await scan(lane, demoItem) == .accepted, "still the settings' catalog")
        #expect(try adminEvents(lane).isEmpty)

        // After a pushed version, a bad push keeps that version.
        _ = try await pushCatalog(lane, Self.header + "4006381333931,Highlighter,,12.50,,A,,,unit\n")
        await expectRefusal(.catalogRefused) {
            _ = try await pushCatalog(lane, Self.header + "5012345678900,Pad,,abc,,A,,,unit\n")
        }
        #expect(await scan(lane, "4006381333931") == .accepted)
        #expect(try adminEvents(lane).count == 1)
        await expectRefusal(.badRequest, field: "sha256") {
            _ = try await lane.runtime.installCatalog(csvFile: lane.directory.appendingPathComponent("x.csv"), sha256: [1, 2], client: "ho")
        }
    }

    // MARK: - Coupon keys

    @Test func pushedCouponKeysReplaceTheStoresOnTheRunningLaneAndAfterARestart() async throws {
        let lane = try TestLane()
        let currency = lane.setup.profile.currency
        let demoSigner = try CouponSigner.demo(assets: Self.assets)
        let headOffice = try CouponSigner(privateKey: Array(Curve25519.Signing.PrivateKey().rawRepresentation), keyID: "ho-2025")
        func coupon(_ id: String, _ signer: CouponSigner) throws -> String {
            try signer.sign(Coupon(id: id, value: .amountOff(Money(minorUnits: 100, currency: currency)), validUntil: now() + 3600))
        }
        #expect(await scan(lane, try coupon("OLD-1", demoSigner)) == .accepted)
        guard case .refused("unreadable-code", _) = await scan(lane, try coupon("NEW-1", headOffice)) else {
            Issue.record("a coupon signed by an unknown key was taken"); return
        }

        let pushed = AdminEvent.InstalledKey(id: "ho-2025", publicKey: headOffice.publicKeyBase64)
        try await lane.runtime.installCouponKeys([pushed], client: "ho")
        #expect(await scan(lane, try coupon("NEW-2", headOffice)) == .accepted)
        guard case .refused("unreadable-code", let message) = await scan(lane, try coupon("OLD-2", demoSigner)) else {
            Issue.record("a coupon signed by the replaced key was taken"); return
        }
        #expect(message.contains("signature"), "\(message)")

        #expect(try adminEvents(lane) == [.couponKeysInstalled(keys: [pushed], client: "ho")])
        _ = try lane.journal.verify()
        #expect(try report(lane).contains("coupon-keys-installed ho-2025 by ho"))
        let file = lane.directory.appendingPathComponent("pushed/coupon-keys.json").path
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: lane.directory.appendingPathComponent("pushed").path)[.posixPermissions] as? Int == 0o700)

        // The store profile still lists the demo key; the pushed keys win after a restart too.
        let restarted = try TestLane(directory: lane.directory)
        #expect(await scan(restarted, try coupon("NEW-3", headOffice)) == .accepted)
        guard case .refused("unreadable-code", _) = await scan(restarted, try coupon("OLD-3", demoSigner)) else {
            Issue.record("the restart went back to the profile's key"); return
        }

        // No keys: every coupon is refused, after a restart too.
        try await restarted.runtime.installCouponKeys([], client: "ho")
        guard case .refused("unreadable-code", let none) = await scan(restarted, try coupon("NEW-4", headOffice)) else {
            Issue.record("a lane without keys took a coupon"); return
        }
        #expect(none.contains("no coupon keys"), "\(none)")
        #expect(try report(restarted).contains("coupon-keys-installed no keys by ho"))
        let keyless = try TestLane(directory: lane.directory)
        guard case .refused("unreadable-code", _) = await scan(keyless, try coupon("OLD-4", demoSigner)) else {
            Issue.record("an empty pushed list fell back to the profile's keys"); return
        }
    }

    @Test func badCouponKeysAreRefusedAndChangeNothing() async throws {
        // A store's lane: its profile lists its own key (the demo key would stop the start).
        let storeSigner = try CouponSigner(privateKey: Array(Curve25519.Signing.PrivateKey().rawRepresentation), keyID: "store")
        let lane = try TestLane(adjust: { $0.couponKeys = [CouponKey(id: "store", publicKey: storeSigner.publicKeyBase64)] }, demo: false)
        let demoKey = try CouponSigner.demo(assets: Self.assets).publicKeyBase64
        let good = try CouponSigner(privateKey: Array(Curve25519.Signing.PrivateKey().rawRepresentation), keyID: "k").publicKeyBase64
        func push(_ keys: [(String, String)]) -> () async throws -> Void {
            {
                try await lane.runtime.installCouponKeys(keys.map { AdminEvent.InstalledKey(id: $0.0, publicKey: $0.1) }, client: "ho")
            }
        }
        await expectRefusal(.badRequest, field: "keys[0].publicKey", push([("a", "not base64!")]))
        await expectRefusal(.badRequest, field: "keys[0].publicKey", push([("a", Data(repeating: 7, count: 31).base64EncodedString())]))
        await expectRefusal(.badRequest, field: "keys[1].id", push([("a", good), ("a", good)]))
        await expectRefusal(.badRequest, field: "keys[0].id", push([("", good)]))
        await expectRefusal(.badRequest, field: "keys[0].id", push([(String(repeating: "k", count: 65), good)]))
        await expectRefusal(.badRequest, field: "keys", push((0...16).map { ("k\($0)", good) }))
        await expectRefusal(.demoKeyRefused, field: "keys[1].publicKey", push([("ho", good), ("demo", demoKey)]))

        #expect(try adminEvents(lane).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: lane.directory.appendingPathComponent("pushed/coupon-keys.json").path))
        let coupon = try storeSigner.sign(Coupon(id: "STILL", value: .percentOff(10), validUntil: now() + 3600))
        #expect(await scan(lane, coupon) == .accepted, "the profile's keys are still in force")

        // A demo lane may be given the demo key (training).
        let demo = try TestLane()
        try await demo.runtime.installCouponKeys([.init(id: "demo", publicKey: demoKey)], client: "ho")
    }

    @Test func aStoresLaneDoesNotStartWithTheDemoKey() async throws {
        #expect { try TestLane(demo: false) } throws: {
            "\($0)".contains("the store profile list coupon key \"demo\", the published demo key")
        }
        // Nor in another spelling of the same 32 bytes (URL alphabet, no padding).
        let urlSpelling = try CouponSigner.demo(assets: Self.assets).publicKeyBase64
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect { try TestLane(adjust: { $0.couponKeys = [CouponKey(id: "mine", publicKey: urlSpelling)] }, demo: false) } throws: {
            "\($0)".contains("coupon key \"mine\", the published demo key")
        }
        // Nor with the demo key pushed while it ran --demo (training), then restarted as a store's lane.
        let training = try TestLane()
        let demoKey = try CouponSigner.demo(assets: Self.assets).publicKeyBase64
        try await training.runtime.installCouponKeys([.init(id: "demo", publicKey: demoKey)], client: "ho")
        #expect { try TestLane(directory: training.directory, adjust: { $0.couponKeys = [] }, demo: false) } throws: {
            "\($0)".contains("head office's pushed coupon keys list coupon key \"demo\"")
        }
    }

    @Test func aDamagedPushedFileStopsTheStart() async throws {
        let lane = try TestLane()
        try await lane.runtime.installCouponKeys([], client: "ho")
        let file = lane.directory.appendingPathComponent("pushed/coupon-keys.json")
        try Data("{\"keys\":[{\"id\":\"x\"".utf8).write(to: file)
        #expect(chmod(file.path, 0o600) == 0)
        #expect { try TestLane(directory: lane.directory) } throws: { "\($0)".contains("pushed file \(file.path) is damaged") }
        try Data(#"{"keys":[{"id":"x","publicKey":"AAAA"}],"v":1}"#.utf8).write(to: file)
        #expect { try TestLane(directory: lane.directory) } throws: { "\($0)".contains("keys[0].publicKey") }
        try Data(#"{"keys":[],"v":1}"#.utf8).write(to: file)
        #expect(chmod(file.path, 0o644) == 0)
        #expect { try TestLane(directory: lane.directory) } throws: { "\($0)".contains("must be 0600") }
        #expect(chmod(file.path, 0o600) == 0)
        _ = try TestLane(directory: lane.directory)
    }

    // MARK: - Staff

    @Test func aPushedStaffListDecidesOnTheRunningLaneAndAfterARestart() async throws {
        let lane = try TestLane()
        let ann = StaffMember(badge: "2002", name: "Ann", pin: "5678", salt: "s2")
        let bob = StaffMember(badge: "1500", name: "Bob", pin: "4321", salt: "s3")
        #expect(await lane.runtime.authenticateStaff(badge: "1001", pin: "1234") == .granted(.demoSupervisor))

        try await lane.runtime.installStaff([ann, bob], client: "ho")
        #expect(await lane.runtime.authenticateStaff(badge: "2002", pin: "5678") == .granted(ann))
        #expect(await lane.runtime.authenticateStaff(badge: "1001", pin: "1234") == .denied, "removed")
        let restricted = try lane.code { $0.minimumAge != nil && $0.pricing == .unit }
        #expect(await scan(lane, restricted) == .accepted)
        #expect(await scan(lane, "STAFF:1001") == .refused(code: "unknown-badge", message: "badge 1001 is not one of this lane's staff"))
        #expect(await scan(lane, "STAFF:2002") == .accepted)
        #expect(await lane.runtime.view().staffBadge == LaneView.StaffBadgeView(badge: "2002", name: "Ann"))

        // Journaled: the badges (sorted, as stored) and the stored list's digest, never a PIN hash.
        let stored = try Data(contentsOf: lane.directory.appendingPathComponent("pushed/staff.json"))
        #expect(try adminEvents(lane) == [.staffListInstalled(badges: ["1500", "2002"], sha256: Array(SHA256.hash(data: stored)), client: "ho")])
        let payload = try lane.journal.rows("SELECT payload FROM event", []).joined()
        #expect(!payload.contains(ann.pinSHA256) && !payload.contains(bob.pinSHA256))
        _ = try lane.journal.verify()
        #expect(try report(lane).contains("staff-list-installed 2 staff by ho"))
        let mode = try FileManager.default.attributesOfItem(atPath: lane.directory.appendingPathComponent("pushed/staff.json").path)[.posixPermissions]
        #expect(mode as? Int == 0o600)

        // The settings still list the demo supervisor; the pushed list wins after a restart.
        let restarted = try TestLane(directory: lane.directory, staff: [.demoSupervisor])
        #expect(await restarted.runtime.authenticateStaff(badge: "1500", pin: "4321") == .granted(bob))
        #expect(await restarted.runtime.authenticateStaff(badge: "1001", pin: "1234") == .denied)
    }

    @Test func aBadStaffListIsRefusedAndChangesNothing() async throws {
        let lane = try TestLane()
        let ann = StaffMember(badge: "2002", name: "Ann", pin: "5678", salt: "s2")
        var noHash = ann
        noHash.pinSHA256 = "1234"
        var noSalt = ann
        noSalt.pinSalt = ""
        var controlName = ann
        controlName.name = "Ann\u{1B}[2J"
        func push(_ members: [StaffMember]) -> () async throws -> Void {
            { try await lane.runtime.installStaff(members, client: "ho") }
        }
        await expectRefusal(.badRequest, field: "staff[1].badge", push([ann, StaffMember(badge: "2002", name: "Other", pin: "1", salt: "x")]))
        await expectRefusal(.badRequest, field: "staff[0].pinSHA256", push([noHash]))
        await expectRefusal(.badRequest, field: "staff[0].pinSalt", push([noSalt]))
        await expectRefusal(.badRequest, field: "staff[0].name", push([controlName]))
        await expectRefusal(.badRequest, field: "staff[0].badge", push([StaffMember(badge: "", name: "", pin: "1", salt: "x")]))
        await expectRefusal(.badRequest, field: "staff", push(Array(repeating: ann, count: 10_001)))

        #expect(try adminEvents(lane).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: lane.directory.appendingPathComponent("pushed/staff.json").path))
        #expect(await lane.runtime.authenticateStaff(badge: "1001", pin: "1234") == .granted(.demoSupervisor))
    }

    // MARK: - Coupons redeemed elsewhere

    @Test func couponsRedeemedElsewhereAreRefusedHereFromThenOn() async throws {
        let lane = try TestLane()
        let signer = try CouponSigner.demo(assets: Self.assets)
        func coupon(_ id: String) throws -> String { try signer.sign(Coupon(id: id, value: .percentOff(10), validUntil: now() + 3600)) }

        #expect(try await lane.runtime.blockRedeemedCoupons(ids: ["X-1", "X-2", "X-1"], client: "ho") == 2)
        #expect(await scan(lane, try coupon("X-1"))
                == .refused(code: "coupon-already-redeemed", message: "coupon X-1 was already used, at another lane"))
        #expect(await scan(lane, try coupon("X-3")) == .accepted)
        #expect(try adminEvents(lane) == [.couponsRedeemedElsewhere(ids: ["X-1", "X-2"], client: "ho")])
        _ = try lane.journal.verify()
        #expect(try report(lane).contains("coupons-redeemed-elsewhere 2 coupons by ho"))
        // Blocked again: recorded again, still refused.
        #expect(try await lane.runtime.blockRedeemedCoupons(ids: ["X-2"], client: "ho") == 1)
        _ = try lane.journal.verify()

        let restarted = try TestLane(directory: lane.directory)
        guard case .refused("coupon-already-redeemed", _) = await scan(restarted, try coupon("X-2")) else {
            Issue.record("a blocked coupon was taken after a restart"); return
        }
    }

    @Test func badCouponIDsAreRefusedAndChangeNothing() async throws {
        let lane = try TestLane()
        func push(_ ids: [String]) -> () async throws -> Void {
            { _ = try await lane.runtime.blockRedeemedCoupons(ids: ids, client: "ho") }
        }
        await expectRefusal(.badRequest, field: "ids[1]", push(["ok", ""]))
        await expectRefusal(.badRequest, field: "ids[0]", push(["a b"]))
        await expectRefusal(.badRequest, field: "ids[0]", push(["X\n"]))
        await expectRefusal(.badRequest, field: "ids[0]", push([String(repeating: "x", count: 65)]))
        await expectRefusal(.badRequest, field: "ids", push((0...10_000).map { "C\($0)" }))
        #expect(try await lane.runtime.blockRedeemedCoupons(ids: [], client: "ho") == 0)
        #expect(try adminEvents(lane).isEmpty)
    }

    // MARK: - Out of service

    @Test func aLaneOutOfServiceTakesNoPush() async throws {
        let first = try TestLane()
        #expect(await scan(first, try first.code(plainItem)) == .accepted)
        try first.journal.execute("UPDATE event SET payload = replace(payload, '\"minorUnits\":', '\"minorUnits\":1') WHERE seq = 1")
        let lane = try TestLane(directory: first.directory)
        #expect(await lane.runtime.outOfService != nil)

        await expectRefusal(.outOfService) {
            _ = try await pushCatalog(lane, Self.header + "4006381333931,Highlighter,,12.50,,A,,,unit\n")
        }
        await expectRefusal(.outOfService) { try await lane.runtime.installCouponKeys([], client: "ho") }
        await expectRefusal(.outOfService) {
            try await lane.runtime.installStaff([.demoSupervisor], client: "ho")
        }
        await expectRefusal(.outOfService) {
            _ = try await lane.runtime.blockRedeemedCoupons(ids: ["X"], client: "ho")
        }
        #expect(try lane.journal.entries().count == 1)
        #expect(!FileManager.default.fileExists(atPath: lane.directory.appendingPathComponent("pushed").path))
        #expect(try await lane.runtime.catalog.store.currentVersion() == nil)
    }
}
