import Foundation
import Journal

/// What staff logins leave in the state folder's `staff/` (0600 files in a 0700 folder, each
/// replaced whole): `lockout.json`, the wrong PINs and locks (`StaffLockout`), so that a restart
/// does not clear a lockout; and `pin-upgrades.json`, the scrypt hashes that replace first-format
/// PIN hashes after a successful login.
///
/// Why upgrades live here: the settings file is the operator's and a pushed list is head office's
/// (its SHA-256 is journaled); the lane rewrites neither. An upgrade names the SHA-256 it replaces,
/// so a new list that changes a badge's PIN voids it.
struct StaffFiles: Sendable {
    let folder: PrivateFolder

    static let lockoutFile = "lockout.json"
    static let upgradesFile = "pin-upgrades.json"

    struct Upgrade: Equatable, Sendable {
        /// The first format's pinSHA256 this hash replaces.
        let replaces: String
        let hash: PINHash
    }

    init(stateDirectory: URL) {
        folder = PrivateFolder(directory: stateDirectory.appendingPathComponent("staff"))
    }

    // MARK: - Reading, at start

    /// The saved lockout (none saved: nothing locked), no lock longer than its longest from `now`.
    func lockout(now: Int64) throws -> StaffLockout {
        try read(Self.lockoutFile) { o throws(WireError) in
            _ = try o.int("v", in: 1...1)
            func record(_ r: WireObject) throws(WireError) -> StaffLockout.Record {
                StaffLockout.Record(failures: try r.int("failures", in: 0...Int(Int32.max)), lockedUntil: try r.optionalInt("lockedUntil"))
            }
            var badges: [String: StaffLockout.Record] = [:]
            let listed = try o.object("badges")
            for badge in listed.fields.keys { badges[badge] = try record(try listed.object(badge)) }
            return StaffLockout(badges: badges, unknown: try record(try o.object("unknown")), lane: try record(try o.object("lane")),
                                laneLockouts: try o.int("laneLockouts", in: 0...Int(Int32.max)))
        }?.clamped(now: now) ?? StaffLockout()
    }

    func upgrades() throws -> [String: Upgrade] {
        try read(Self.upgradesFile) { o throws(WireError) in
            _ = try o.int("v", in: 1...1)
            let listed = try o.object("upgrades")
            var upgrades: [String: Upgrade] = [:]
            for badge in listed.fields.keys {
                let u = try listed.object(badge)
                let text = try u.string("pinHash")
                let hash: PINHash
                do throws(PINHash.Problem) { hash = try PINHash(parsing: text) } catch { throw u.error("pinHash", error.description) }
                upgrades[badge] = Upgrade(replaces: try u.string("replaces"), hash: hash)
            }
            return upgrades
        } ?? [:]
    }

    private func read<T>(_ name: String, _ decode: (WireObject) throws(WireError) -> T) throws -> T? {
        let path = folder.directory.appendingPathComponent(name).path
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) { throw KioskSetupError.state("staff file \(path) cannot be read") }
            return nil
        }
        do {
            return try decode(try WireObject(try JSONValue.parse(String(decoding: data, as: UTF8.self))))
        } catch {
            throw KioskSetupError.state("staff file \(path) is damaged: \(error); remove it to start over")
        }
    }

    // MARK: - Writing

    func save(_ lockout: StaffLockout) throws {
        func record(_ r: StaffLockout.Record) -> JSONValue {
            .object(["failures": .int(Int64(r.failures)), "lockedUntil": r.lockedUntil.map(JSONValue.int) ?? .null])
        }
        let text = JSONValue.object([
            "v": .int(1), "badges": .object(lockout.badges.mapValues(record)), "unknown": record(lockout.unknown),
            "lane": record(lockout.lane), "laneLockouts": .int(Int64(lockout.laneLockouts)),
        ]).text
        try folder.store(Array(text.utf8), as: Self.lockoutFile)
    }

    func save(_ upgrades: [String: Upgrade]) throws {
        let listed = upgrades.mapValues { JSONValue.object(["replaces": .string($0.replaces), "pinHash": .string($0.hash.text)]) }
        try folder.store(Array(JSONValue.object(["v": .int(1), "upgrades": .object(listed)]).text.utf8), as: Self.upgradesFile)
    }
}
