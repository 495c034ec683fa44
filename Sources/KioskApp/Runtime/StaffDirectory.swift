import Crypto
import Foundation
import Journal

/// A member of staff who can log in at the lane with badge + PIN. Only a slow hash of the PIN is
/// kept: `pinHash` (`scrypt$...`, see `PINHash`), or in the first format, still read, `pinSalt`
/// and `pinSHA256` (hex SHA-256 of the salt followed by the PIN), upgraded to scrypt on the next
/// successful login (the upgrade is kept in the state folder, see `StaffFiles`).
public struct StaffMember: Codable, Sendable, Equatable {
    public var badge: String
    public var name: String
    public var pinHash: String?
    public var pinSalt: String?
    public var pinSHA256: String?

    /// A member whose PIN is hashed with scrypt (about 50-100 ms).
    public init(badge: String, name: String, pin: String) {
        self.init(badge: badge, name: name, pinHash: PINHash.make(pin: pin).text)
    }

    /// The stored form of a new PIN (`kiosk staff hash-pin`): 1 to 64 characters, none of them
    /// control characters.
    public static func pinHash(of pin: String) throws(PINHash.Problem) -> String {
        guard (1...64).contains(pin.unicodeScalars.count), !pin.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PINHash.Problem("a PIN is 1 to 64 characters, none of them control characters")
        }
        return PINHash.make(pin: pin).text
    }

    /// A member as stored in the current format: the scrypt hash, never the PIN.
    public init(badge: String, name: String, pinHash: String) {
        self.badge = badge
        self.name = name
        self.pinHash = pinHash
    }

    /// A member in the first format: the salt and the SHA-256, never the PIN.
    public init(badge: String, name: String, pinSalt: String, pinSHA256: String) {
        self.badge = badge
        self.name = name
        self.pinSalt = pinSalt
        self.pinSHA256 = pinSHA256
    }

    /// The first format, for tests and for settings written before scrypt.
    public static func legacy(badge: String, name: String, pin: String, salt: String) -> StaffMember {
        StaffMember(badge: badge, name: name, pinSalt: salt, pinSHA256: sha256(pin: pin, salt: salt))
    }

    /// Demo and training: badge 1001, PIN 1234. Its scrypt hash is computed once, here, so that a
    /// demo lane starts without spending a scrypt.
    public static let demoSupervisor = StaffMember(
        badge: "1001", name: "Demo Supervisor",
        pinHash: "scrypt$14$8$1$a2lvc2stZGVtby0xMDAxIQ==$T1xlMdcJWUL9gTNvxcuygeD62rOBr0Z6DDal7TodRyI=")

    static func sha256(pin: String, salt: String) -> String {
        SHA256.hash(data: Data((salt + pin).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// True when `pin` is this member's PIN; `upgrade` (a stored scrypt hash that replaces the
    /// first format's SHA-256) is checked instead of the SHA-256 when there is one.
    func verifies(_ pin: String, upgrade: PINHash?) -> Bool {
        if let upgrade { return upgrade.verifies(pin) }
        if let pinHash { return (try? PINHash(parsing: pinHash))?.verifies(pin) ?? false }
        guard let pinSalt, let pinSHA256 else { return false }
        return StaffDirectory.constantTimeEqual(Array(Self.sha256(pin: pin, salt: pinSalt).utf8), Array(pinSHA256.lowercased().utf8))
    }

    /// Still in the first format, with no upgrade yet.
    var needsUpgrade: Bool { pinHash == nil }

    // MARK: - The wire (head office's push, pushed/staff.json)

    static let wireKeys: Set<String> = ["badge", "name", "pinHash", "pinSalt", "pinSHA256"]

    init(wire member: WireObject) throws(WireError) {
        badge = try member.string("badge")
        name = try member.string("name")
        // Absent, or a string: an explicit null is refused as the schema refuses it.
        func present(_ key: String) throws(WireError) -> String? { member.fields[key] == nil ? nil : try member.string(key) }
        pinHash = try present("pinHash")
        pinSalt = try present("pinSalt")
        pinSHA256 = try present("pinSHA256")
    }

    var wire: JSONValue {
        var fields: [String: JSONValue] = ["badge": .string(badge), "name": .string(name)]
        if let pinHash { fields["pinHash"] = .string(pinHash) }
        if let pinSalt { fields["pinSalt"] = .string(pinSalt) }
        if let pinSHA256 { fields["pinSHA256"] = .string(pinSHA256) }
        return .object(fields)
    }

    static let maximumListCount = 10_000
    /// Badges are at most this many code points: a longer one is refused before it is looked at.
    static let maximumBadgeLength = 64

    /// The first problem with a staff list: the field at fault (`staff[3].badge`) and why; nil when
    /// there is none. The settings' `staff` and head office's pushes are held to the same rules.
    static func problem(in list: [StaffMember]) -> (field: String, message: String)? {
        guard list.count <= maximumListCount else { return ("staff", "more than \(maximumListCount) members") }
        // Badges and names reach the journal, the log and the page: no control characters. Lengths
        // are in code points, as JSON Schema counts them (docs/sync-api.yaml): a grapheme can
        // carry any number of combining marks.
        func plain(_ text: String, _ lengths: ClosedRange<Int>) -> Bool {
            lengths.contains(text.unicodeScalars.count) && !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
        var badges: Set<String> = []
        for (index, member) in list.enumerated() {
            let at = "staff[\(index)]"
            guard plain(member.badge, 1...maximumBadgeLength) else {
                return ("\(at).badge", "must be 1 to \(maximumBadgeLength) characters, none of them control characters")
            }
            guard badges.insert(member.badge).inserted else { return ("\(at).badge", "badge \"\(member.badge)\" is listed twice: badges must be unique") }
            guard plain(member.name, 0...200) else { return ("\(at).name", "must be at most 200 characters, none of them control characters") }
            if let pinHash = member.pinHash {
                guard member.pinSalt == nil, member.pinSHA256 == nil else {
                    return ("\(at).pinHash", "give pinHash, or pinSalt and pinSHA256 (the first format), not both")
                }
                do { _ = try PINHash(parsing: pinHash) } catch { return ("\(at).pinHash", error.description) }
                continue
            }
            guard let pinSalt = member.pinSalt, (1...200).contains(pinSalt.unicodeScalars.count) else {
                return ("\(at).pinSalt", "must be 1 to 200 characters (or give pinHash)")
            }
            guard let hex = member.pinSHA256, hex.utf8.count == 64, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                return ("\(at).pinSHA256", "must be a 64-hex-digit SHA-256 of pinSalt and the PIN (or give pinHash)")
            }
        }
        return nil
    }
}

/// Who may approve at the lane: checks badge + PIN against the members, with the lockout
/// (`StaffLockout`) in front and the first format's hashes upgraded as they are used. The lane
/// runtime holds the one copy and saves `lockout` and `upgrades` (`StaffFiles`) when they change.
public struct StaffDirectory: Sendable {
    private var members: [String: StaffMember] = [:]
    private(set) var lockout: StaffLockout
    /// Scrypt hashes that replace first-format members' SHA-256, by badge, with the SHA-256 each
    /// replaced: a new list with another PIN for the badge makes its upgrade void.
    private(set) var upgrades: [String: StaffFiles.Upgrade]

    init(_ members: [StaffMember], lockout: StaffLockout = StaffLockout(), upgrades: [String: StaffFiles.Upgrade] = [:]) {
        self.lockout = lockout
        self.upgrades = upgrades
        replace(members)
    }

    /// A new staff list. Lockouts stay: a push must not unlock a badge whose PIN is being guessed.
    public mutating func replace(_ members: [StaffMember]) {
        self.members = Dictionary(members.map { ($0.badge, $0) }, uniquingKeysWith: { first, _ in first })
        upgrades = upgrades.filter { badge, upgrade in self.members[badge].map { $0.pinSHA256 == upgrade.replaces } ?? false }
        lockout.forget(except: Set(self.members.keys))
    }

    /// Who a scanned badge belongs to (the PIN is still asked).
    public func name(ofBadge badge: String) -> String? { members[badge]?.name }

    public enum Answer: Equatable, Sendable {
        case granted(StaffMember)
        case denied
        /// This badge had too many wrong PINs.
        case locked
        /// The lane had too many wrong PINs, whatever the badges: every login waits.
        case laneLocked
    }

    /// Checks a login at `now` (wall-clock milliseconds: a lockout outlives a restart). `changed` says
    /// whether the lockout or the upgrades changed and must be saved.
    mutating func authenticate(badge: String, pin: String, now: Int64) -> (answer: Answer, changed: Bool) {
        // Unknown badges, however many and however long, share one record: nothing grows with them.
        // The byte count first (constant time): a 15 KB badge is not even decoded.
        let plausible = badge.utf8.count <= 4 * StaffMember.maximumBadgeLength && badge.unicodeScalars.count <= StaffMember.maximumBadgeLength
        let member = plausible ? members[badge] : nil
        let key: StaffLockout.Key = member == nil ? .unknown : .badge(badge)
        switch lockout.state(of: key, now: now) {
        case .laneLocked: return (.laneLocked, false)
        case .locked: return (.locked, false)
        case .open: break
        }
        guard let member, member.verifies(pin, upgrade: upgrades[badge]?.hash) else {
            lockout.failed(key, now: now)
            return (.denied, true)
        }
        var changed = lockout.succeeded(key)
        if member.needsUpgrade, upgrades[badge] == nil, let replaced = member.pinSHA256 {
            upgrades[badge] = StaffFiles.Upgrade(replaces: replaced, hash: PINHash.make(pin: pin))
            changed = true
        }
        return (.granted(member), changed)
    }

    static func constantTimeEqual(_ x: [UInt8], _ y: [UInt8]) -> Bool {
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
