import Foundation
import KioskTestSupport
import Testing
@testable import KioskApp

/// Staff logins: PINs under scrypt (the first format still read, and upgraded), lockouts that
/// survive a restart, a lane-wide back-off, and nothing remembered per unknown badge.
@Suite struct StaffLoginTests {
    static let minute: Int64 = 60_000
    let t0: Int64 = 1_800_000_000_000

    @Test func badgeAndPinAreCheckedInBothFormats() {
        let old = StaffMember.legacy(badge: "2002", name: "B", pin: "9876", salt: "x")
        let new = Self.member(badge: "3003", name: "C", pin: "2468")
        var staff = StaffDirectory([.demoSupervisor, old, new])
        #expect(staff.authenticate(badge: "1001", pin: "1234", now: t0).answer == .granted(.demoSupervisor))
        #expect(staff.authenticate(badge: "2002", pin: "1234", now: t0).answer == .denied)
        #expect(staff.authenticate(badge: "9999", pin: "1234", now: t0).answer == .denied)
        #expect(staff.authenticate(badge: "2002", pin: "9876", now: t0).answer == .granted(old))
        // The new format: the right PIN only, not the hash, not a neighbour.
        #expect(staff.authenticate(badge: "3003", pin: "2468", now: t0).answer == .granted(new))
        #expect(staff.authenticate(badge: "3003", pin: "2467", now: t0).answer == .denied)
        #expect(staff.authenticate(badge: "3003", pin: new.pinHash!, now: t0).answer == .denied)
        #expect(staff.authenticate(badge: "3003", pin: "", now: t0).answer == .denied)
    }

    /// A member in the scrypt format at the lowest cost a hash may ask for (N = 2^10): the same
    /// code path, 16 times cheaper, so that tests do not hold a thread for the real cost.
    static func member(badge: String, name: String, pin: String) -> StaffMember {
        StaffMember(badge: badge, name: name, pinHash: PINHash.make(pin: pin, salt: Array("salt-\(badge)".utf8), log2N: 10).text)
    }

    @Test func theDemoSupervisorsPrecomputedHashIsPIN1234() throws {
        let hash = try PINHash(parsing: StaffMember.demoSupervisor.pinHash!)
        #expect(hash.log2N == PINHash.log2NDefault && hash.r == PINHash.rDefault && hash.p == PINHash.pDefault)
        #expect(hash.verifies("1234") && !hash.verifies("1235"))
    }

    @Test(arguments: [
        "scrypt$14$8$1$AAAAAAAAAAAAAAAAAAAAAA==",                      // a field missing
        "bcrypt$14$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "=",
        "scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "=",  // 2^30: gigabytes a check
        "scrypt$014$8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "=",
        "scrypt$14$+8$1$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "=",
        "scrypt$14$8$9$AAAAAAAAAAAAAAAAAAAAAA==$" + String(repeating: "A", count: 43) + "=",
        "scrypt$14$8$1$AA==$" + String(repeating: "A", count: 43) + "=",                       // a 1-byte salt
        "scrypt$14$8$1$AAAAAAAAAAAAAAAAAAAAAA==$not base64",
    ])
    func aHashThatIsNotOneOrCostsTooMuchIsRefused(_ text: String) {
        #expect(throws: PINHash.Problem.self) { try PINHash(parsing: text) }
        let member = StaffMember(badge: "1", name: "A", pinHash: text)
        #expect(StaffMember.problem(in: [member])?.field == "staff[0].pinHash")
    }

    @Test func bothFormatsAtOnceAreRefused() {
        var member = StaffMember.demoSupervisor
        member.pinSalt = "s"
        member.pinSHA256 = String(repeating: "a", count: 64)
        #expect(StaffMember.problem(in: [member])?.field == "staff[0].pinHash")
    }

    @Test func repeatedWrongPinsLockTheBadgeEvenAcrossANewList() {
        let ann = Self.member(badge: "2002", name: "Ann", pin: "5678")
        var staff = StaffDirectory([ann])
        for _ in 0..<StaffLockout.badgeFailures { #expect(staff.authenticate(badge: "2002", pin: "0000", now: t0).answer == .denied) }
        // Locked even for the right PIN, and still after a new staff list arrives.
        #expect(staff.authenticate(badge: "2002", pin: "5678", now: t0).answer == .locked)
        staff.replace([ann])
        #expect(staff.authenticate(badge: "2002", pin: "5678", now: t0 + 4 * Self.minute).answer == .locked)
        #expect(staff.authenticate(badge: "2002", pin: "5678", now: t0 + 5 * Self.minute).answer == .granted(ann))
    }

    @Test func thousandsOfUnknownLongBadgesRememberNothing() {
        var staff = StaffDirectory([.demoSupervisor])
        let before = staff.lockout
        // 15 KB each: refused before it is looked up, and counted on the one shared record.
        // (Answers collected, one expectation: expectations in a loop of thousands are slow.)
        let long = String(repeating: "B", count: 15_000)
        let answers = (0..<3_000).map { i in staff.authenticate(badge: String(i) + long, pin: "1234", now: t0 + Int64(i)).answer }
        #expect(!answers.contains(.granted(.demoSupervisor)) && answers.contains(.locked))
        #expect(before.badges.isEmpty && staff.lockout.badges.isEmpty)
        // Short unknown badges too: still nothing per badge.
        for i in 0..<3_000 { _ = staff.authenticate(badge: "X\(i)", pin: "0000", now: t0 + Self.minute * 100 + Int64(i)) }
        #expect(staff.lockout.badges.isEmpty)
    }

    @Test func wrongPinsAcrossManyBadgesLockTheWholeLaneLongerEachTime() {
        let members = (0..<12).map { StaffMember.legacy(badge: "B\($0)", name: "N\($0)", pin: "4321", salt: "s\($0)") }
        var staff = StaffDirectory(members + [.demoSupervisor])
        // 10 wrong PINs, each on another badge (none of them reaches its own 5) or a made-up one.
        for i in 0..<StaffLockout.laneFailures {
            #expect(staff.authenticate(badge: i % 2 == 0 ? "B\(i)" : "nobody\(i)", pin: "0000", now: t0).answer == .denied)
        }
        // Now every login waits, the right PIN of an untouched badge included.
        #expect(staff.authenticate(badge: "B11", pin: "4321", now: t0).answer == .laneLocked)
        #expect(staff.authenticate(badge: "B11", pin: "4321", now: t0 + Self.minute - 1).answer == .laneLocked)
        // The next 10 lock it for 2 minutes, then 4.
        var now = t0 + Self.minute
        for (round, length) in [(2, 2 * Self.minute), (3, 4 * Self.minute)] {
            for i in 0..<StaffLockout.laneFailures { _ = staff.authenticate(badge: "B\(i)", pin: "0000", now: now) }
            #expect(staff.lockout.laneLockouts == round)
            #expect(staff.authenticate(badge: "B11", pin: "4321", now: now + length - 1).answer == .laneLocked)
            now += length
        }
        // A right PIN starts the count of wrong PINs over, not the doubling: the next lockout is 8 minutes.
        #expect(staff.authenticate(badge: "B11", pin: "4321", now: now).answer == .granted(members[11]))
        #expect(staff.lockout.laneLockouts == 3 && staff.lockout.lane.failures == 0)
        for i in 0..<StaffLockout.laneFailures { _ = staff.authenticate(badge: "B\(i)", pin: "0000", now: now) }
        #expect(staff.authenticate(badge: "B11", pin: "4321", now: now + 8 * Self.minute - 1).answer == .laneLocked)
        // A day later without a lane lockout, it starts at 1 minute again.
        now += 8 * Self.minute + 24 * 60 * Self.minute + 1
        for i in 0..<StaffLockout.laneFailures { _ = staff.authenticate(badge: "B\(i)", pin: "0000", now: now) }
        #expect(staff.lockout.laneLockouts == 1)
        #expect(staff.authenticate(badge: "B11", pin: "4321", now: now + Self.minute).answer == .granted(members[11]))
    }

    @Test func theLaneLockoutNeverExceedsHalfAnHour() {
        var lockout = StaffLockout()
        for _ in 0..<(StaffLockout.laneFailures * 40) { lockout.failed(.unknown, now: t0) }
        #expect(lockout.lane.lockedUntil == t0 + StaffLockout.longestLaneLockout)
        // A saved lockout read after the clock went back a year ends within its longest.
        let clamped = lockout.clamped(now: t0 - 365 * 24 * 60 * Self.minute)
        #expect(clamped.lane.lockedUntil == t0 - 365 * 24 * 60 * Self.minute + StaffLockout.longestLaneLockout)
    }

    @Test func anOldFormatHashVerifiesIsUpgradedAndTheUpgradeOutlivesARestart() async throws {
        let ann = StaffMember.legacy(badge: "2002", name: "Ann", pin: "5678", salt: "s2")
        let lane = try TestLane(staff: [ann])
        defer { try? FileManager.default.removeItem(at: lane.directory) }
        let upgrades = lane.directory.appendingPathComponent("staff/pin-upgrades.json")
        #expect(await lane.runtime.authenticateStaff(badge: "2002", pin: "0000") == .denied)
        #expect(!FileManager.default.fileExists(atPath: upgrades.path))
        #expect(await lane.runtime.authenticateStaff(badge: "2002", pin: "5678") == .granted(ann))

        // The scrypt hash is kept beside the settings (which stay the operator's, untouched), 0600.
        let text = try String(contentsOf: upgrades, encoding: .utf8)
        #expect(text.contains("scrypt$14$8$1$") && text.contains(ann.pinSHA256!))
        let mode = try FileManager.default.attributesOfItem(atPath: upgrades.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // After a restart the upgrade is what is checked.
        let restarted = try TestLane(directory: lane.directory, staff: [ann])
        #expect(await restarted.runtime.staff.upgrades["2002"]?.replaces == ann.pinSHA256)
        #expect(await restarted.runtime.authenticateStaff(badge: "2002", pin: "5678") == .granted(ann))
        #expect(await restarted.runtime.authenticateStaff(badge: "2002", pin: "5679") == .denied)

        // A new list that gives the badge another PIN voids the upgrade: the new PIN works, the old does not.
        let renewed = StaffMember.legacy(badge: "2002", name: "Ann", pin: "1357", salt: "s9")
        let again = try TestLane(directory: lane.directory, staff: [renewed])
        #expect(await again.runtime.authenticateStaff(badge: "2002", pin: "5678") == .denied)
        #expect(await again.runtime.authenticateStaff(badge: "2002", pin: "1357") == .granted(renewed))
    }

    @Test func hashPinReadsThePinFromStandardInputAndPrintsAHashTheLaneTakes() throws {
        let process = Process()
        process.executableURL = KioskProcess.binary
        process.arguments = ["staff", "hash-pin"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("8642\n".utf8))
        try input.fileHandleForWriting.close()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let member = StaffMember(badge: "4004", name: "D", pinHash: printed.trimmingCharacters(in: .newlines))
        #expect(StaffMember.problem(in: [member]) == nil)
        var staff = StaffDirectory([member])
        #expect(staff.authenticate(badge: "4004", pin: "8642", now: t0).answer == .granted(member))
        #expect(throws: PINHash.Problem.self) { try StaffMember.pinHash(of: "") }
    }

    /// The attack: 5 wrong PINs lock badge 1001, a restart used to clear that. The real kiosk,
    /// its staff API and a restart (SIGKILL, as a power cut).
    @Test func aRestartDoesNotClearALockout() async throws {
        let stateDir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stateDir) }
        var kiosk = try await KioskProcess(stateDirectory: stateDir)
        var api = APIClient(base: kiosk.baseURL)
        func login(_ pin: String) async throws -> (Int, String?) {
            let reply = try await api.post("/api/staff/approve", #"{"badge":"1001","pin":"\#(pin)"}"#)
            return (reply.status, (reply.json["error"] as? [String: Any])?["code"] as? String)
        }
        let right = try await login("1234")  // taken (nothing waits for staff: whatever the lane says to that)
        #expect(right.0 != 401 && right.0 != 429, "\(right)")
        for _ in 0..<StaffLockout.badgeFailures { #expect(try await login("0000") == (401, "bad-credentials")) }
        #expect(try await login("1234") == (429, "badge-locked"))

        kiosk.kill9()
        kiosk = try await KioskProcess(stateDirectory: stateDir)
        api = APIClient(base: kiosk.baseURL)
        #expect(try await login("1234") == (429, "badge-locked"))
        let mode = try FileManager.default.attributesOfItem(atPath: stateDir.appendingPathComponent("staff/lockout.json").path)[.posixPermissions]
        #expect(mode as? Int == 0o600)
        #expect(kiosk.terminate() == 0)
    }
}
