import Crypto
import Foundation

/// A member of staff who can log in at the lane with badge + PIN. Only a salted hash of the PIN is kept.
public struct StaffMember: Codable, Sendable, Equatable {
    public var badge: String
    public var name: String
    public var pinSalt: String
    /// Hex SHA-256 of pinSalt followed by the PIN.
    public var pinSHA256: String

    public init(badge: String, name: String, pin: String, salt: String) {
        self.init(badge: badge, name: name, pinSalt: salt, pinSHA256: Self.hash(pin: pin, salt: salt))
    }

    /// A member as stored: the salt and the hash, never the PIN.
    public init(badge: String, name: String, pinSalt: String, pinSHA256: String) {
        self.badge = badge
        self.name = name
        self.pinSalt = pinSalt
        self.pinSHA256 = pinSHA256
    }

    /// Demo and training: badge 1001, PIN 1234.
    public static let demoSupervisor = StaffMember(badge: "1001", name: "Demo Supervisor", pin: "1234", salt: "kiosk-demo")

    static func hash(pin: String, salt: String) -> String {
        SHA256.hash(data: Data((salt + pin).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static let maximumListCount = 10_000

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
            guard plain(member.badge, 1...64) else { return ("\(at).badge", "must be 1 to 64 characters, none of them control characters") }
            guard badges.insert(member.badge).inserted else { return ("\(at).badge", "badge \"\(member.badge)\" is listed twice: badges must be unique") }
            guard plain(member.name, 0...200) else { return ("\(at).name", "must be at most 200 characters, none of them control characters") }
            guard (1...200).contains(member.pinSalt.unicodeScalars.count) else { return ("\(at).pinSalt", "must be 1 to 200 characters") }
            guard member.pinSHA256.utf8.count == 64, member.pinSHA256.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                return ("\(at).pinSHA256", "must be a 64-hex-digit SHA-256 of pinSalt and the PIN")
            }
        }
        return nil
    }
}

/// Who may approve at the lane: checks badge + PIN, and locks a badge for a while after repeated
/// wrong PINs. The lane runtime holds the one copy; head office's push replaces its members.
public struct StaffDirectory: Sendable {
    private var members: [String: StaffMember] = [:]
    private var failures: [String: (count: Int, lockedUntil: ContinuousClock.Instant?)] = [:]
    static let allowedFailures = 5
    static let lockout = Duration.seconds(300)

    public init(_ members: [StaffMember]) {
        replace(members)
    }

    /// A new staff list. Lockouts stay: a push must not unlock a badge whose PIN is being guessed.
    public mutating func replace(_ members: [StaffMember]) {
        self.members = Dictionary(members.map { ($0.badge, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Who a scanned badge belongs to (the PIN is still asked).
    public func name(ofBadge badge: String) -> String? { members[badge]?.name }

    public enum Answer: Equatable, Sendable {
        case granted(StaffMember)
        case denied
        case locked
    }

    public mutating func authenticate(badge: String, pin: String) -> Answer {
        if let until = failures[badge]?.lockedUntil, ContinuousClock.now < until { return .locked }
        guard let member = members[badge],
              Self.constantTimeEqual(StaffMember.hash(pin: pin, salt: member.pinSalt), member.pinSHA256.lowercased()) else {
            var record = failures[badge] ?? (0, nil)
            record.count += 1
            if record.count >= Self.allowedFailures {
                record = (0, ContinuousClock.now + Self.lockout)
            }
            failures[badge] = record
            return .denied
        }
        failures[badge] = nil
        return .granted(member)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
