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
        self.badge = badge
        self.name = name
        self.pinSalt = salt
        self.pinSHA256 = Self.hash(pin: pin, salt: salt)
    }

    /// Demo and training: badge 1001, PIN 1234.
    public static let demoSupervisor = StaffMember(badge: "1001", name: "Demo Supervisor", pin: "1234", salt: "kiosk-demo")

    static func hash(pin: String, salt: String) -> String {
        SHA256.hash(data: Data((salt + pin).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func validate(source: String) throws {
        guard !badge.isEmpty, !pinSalt.isEmpty, pinSHA256.count == 64, pinSHA256.allSatisfy(\.isHexDigit) else {
            throw KioskSetupError.config(source, "staff \"\(badge)\" needs a badge, a pinSalt and a 64-hex-digit pinSHA256")
        }
    }
}

/// Checks badge + PIN, and locks a badge for a while after repeated wrong PINs.
public actor StaffDirectory {
    private let members: [String: StaffMember]
    private var failures: [String: (count: Int, lockedUntil: ContinuousClock.Instant?)] = [:]
    static let allowedFailures = 5
    static let lockout = Duration.seconds(300)
    /// Badge -> name, for a scanned badge: who is at the lane (the PIN is still asked).
    public nonisolated let badgeNames: [String: String]

    public init(_ members: [StaffMember]) {
        self.members = Dictionary(members.map { ($0.badge, $0) }, uniquingKeysWith: { first, _ in first })
        badgeNames = self.members.mapValues(\.name)
    }

    public enum Answer: Equatable, Sendable {
        case granted(StaffMember)
        case denied
        case locked
    }

    public func authenticate(badge: String, pin: String) -> Answer {
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
