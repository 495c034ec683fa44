/// What a report covers: one day of each store's calendar, every store or one.
public struct ReportScope: Hashable, Sendable, Codable {
    public let date: ReportDate
    /// Nil: every store.
    public let store: String?

    public init(date: ReportDate, store: String?) {
        self.date = date
        self.store = store
    }
}

/// Why a report cannot be made: a code for scripts, a sentence for people.
public enum ReportProblem: Error, Hashable, Sendable, CustomStringConvertible {
    case badDate(String)
    case badStore(String)
    case unknownStore(String)
    case noLanes
    case badLimit(Int)
    /// A lane's time zone that this machine does not know (edited by hand after enrolment).
    case unknownTimeZone(String)

    public var code: String {
        switch self {
        case .badDate: "bad-date"
        case .badStore: "bad-store"
        case .unknownStore: "unknown-store"
        case .noLanes: "no-lanes"
        case .badLimit: "bad-limit"
        case .unknownTimeZone: "unknown-time-zone"
        }
    }

    public var description: String {
        switch self {
        case .badDate(let text): "\(code): date \(text.debugDescription) is not a day written YYYY-MM-DD"
        case .badStore(let text): "\(code): store \(text.debugDescription) is not a store name (1 to 64 of A-Z a-z 0-9 . _ -)"
        case .unknownStore(let store): "\(code): no lane was ever enrolled in store \(store)"
        case .noLanes: "\(code): no lane was ever enrolled: nothing to report on"
        case .badLimit(let limit): "\(code): limit \(limit) is not between 1 and \(ReportLimit.maximum)"
        case .unknownTimeZone(let zone): "\(code): a lane's time zone \(zone.debugDescription) is unknown to this machine"
        }
    }
}

/// How many rows the top-N reports give.
public enum ReportLimit {
    public static let maximum = 1000

    public static func checked(_ limit: Int) throws(ReportProblem) -> Int {
        guard (1...maximum).contains(limit) else { throw .badLimit(limit) }
        return limit
    }
}
