import Foundation
import Journal
import Retail

/// What head office pushed that must outlive a restart, in the state folder's `pushed/`: the
/// coupon keys (`coupon-keys.json`) and the staff list (`staff.json`). On start they replace the
/// store profile's `couponKeys` and the settings' `staff`. The staff list holds PIN hashes: files
/// are 0600 in a 0700 folder, and one with wider permissions is refused, as the lane key is.
/// A file is replaced whole: the new one is written beside it and synced, then renamed over it.
struct PushedFiles: Sendable {
    let directory: URL

    static let couponKeysFile = "coupon-keys.json"
    static let staffFile = "staff.json"

    init(stateDirectory: URL) {
        directory = stateDirectory.appendingPathComponent("pushed")
    }

    // MARK: - The files' text

    /// `{"keys":[{"id","publicKey"}],"v":1}`: compact, keys sorted, as the journal writes JSON.
    static func text(couponKeys: [CouponKey]) -> [UInt8] {
        let keys = couponKeys.map { JSONValue.object(["id": .string($0.id), "publicKey": .string($0.publicKey)]) }
        return Array(JSONValue.object(["v": .int(1), "keys": .array(keys)]).text.utf8)
    }

    /// `{"staff":[{"badge","name","pinHash"}],"v":1}` (or `"pinSalt","pinSHA256"` in place of
    /// `pinHash`, the first format), in the order given (the lane gives it sorted by badge). The
    /// journal's `staff-list-installed` carries these bytes' SHA-256.
    static func text(staff: [StaffMember]) -> [UInt8] {
        Array(JSONValue.object(["v": .int(1), "staff": .array(staff.map(\.wire))]).text.utf8)
    }

    // MARK: - Reading, at start

    /// The pushed keys; nil when head office never pushed any. A damaged file stops the start.
    func couponKeys() throws -> [CouponKey]? {
        try read(Self.couponKeysFile) { o throws(WireError) in
            _ = try o.int("v", in: 1...1)
            return try o.objects("keys") { (k) throws(WireError) in
                AdminEvent.InstalledKey(id: try k.string("id"), publicKey: try k.string("publicKey"))
            }
        }.map { keys in try checked(Self.couponKeysFile) { () throws(PushError) in try PushRules.couponKeys(keys, refusedKey: nil) } }
    }

    /// The pushed staff list; nil when head office never pushed one. A damaged file stops the start.
    func staff() throws -> [StaffMember]? {
        try read(Self.staffFile) { o throws(WireError) in
            _ = try o.int("v", in: 1...1)
            return try o.objects("staff") { (m) throws(WireError) in try StaffMember(wire: m) }
        }.map { members in try checked(Self.staffFile) { () throws(PushError) in try PushRules.staff(members) } }
    }

    private func read<T>(_ name: String, _ decode: (WireObject) throws(WireError) -> T) throws -> T? {
        let path = directory.appendingPathComponent(name).path
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw KioskSetupError.state("pushed file \(path) cannot be read (errno \(errno))")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw KioskSetupError.state("pushed file \(path) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))): it must be 0600")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KioskSetupError.state("pushed file \(path) cannot be read")
        }
        do {
            return try decode(try WireObject(try JSONValue.parse(String(decoding: data, as: UTF8.self))))
        } catch {
            throw KioskSetupError.state("pushed file \(path) is damaged: \(error); restore it or push again")
        }
    }

    private func checked<T>(_ name: String, _ check: () throws(PushError) -> T) throws -> T {
        do { return try check() } catch {
            let path = directory.appendingPathComponent(name).path
            throw KioskSetupError.state("pushed file \(path) is damaged: \(error); restore it or push again")
        }
    }

    // MARK: - Writing

    func prepare(_ bytes: [UInt8], as name: String) throws -> PrivateFolder.Pending {
        try PrivateFolder(directory: directory).prepare(bytes, as: name)
    }
}
