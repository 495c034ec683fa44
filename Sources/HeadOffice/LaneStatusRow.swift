import Foundation
import Journal

/// One line of `kiosk-hq status`: how far head office is behind a lane, and what is wrong with it.
/// Pure: made from `lane_cursor` and the time the database read it.
public struct LaneStatusRow: Sendable, Equatable {
    public let lane: String
    public let store: String
    public let storedSeq: Int64
    /// The lane's newest seq at the last contact (nil: never reached).
    public let laneNewestSeq: Int64?
    public let lagEvents: Int64?
    /// Minutes since the oldest event head office does not have yet was made (0 when none).
    public let lagMinutes: Int64?
    /// Milliseconds since the epoch.
    public let lastContactAt: Int64?
    public let lastError: String?
    public let quarantine: String?

    public init(lane: String, store: String, storedSeq: Int64, laneNewestSeq: Int64?, laneOldestUnacknowledgedAt: Int64?,
                lastEventAt: Int64?, lastContactAt: Int64?, lastError: String?, quarantine: String?, now: Int64) {
        self.lane = lane
        self.store = store
        self.storedSeq = storedSeq
        self.laneNewestSeq = laneNewestSeq
        self.lastContactAt = lastContactAt
        self.lastError = lastError
        self.quarantine = quarantine
        let lag = laneNewestSeq.map { max(0, $0 - storedSeq) }
        lagEvents = lag
        switch lag {
        case nil: lagMinutes = nil
        case 0?: lagMinutes = 0
        default:
            // The oldest event missing is no older than the newest stored (an acknowledgement lost
            // after its commit leaves the lane's own figure behind).
            let oldest = max(laneOldestUnacknowledgedAt ?? lastEventAt ?? now, lastEventAt ?? Int64.min)
            lagMinutes = max(0, now - oldest) / 60_000
        }
    }

    /// The table `status` prints.
    public static func table(_ rows: [LaneStatusRow]) -> String {
        let header = ["STORE", "LANE", "STORED", "LANE SEQ", "LAG EVENTS", "LAG MIN", "LAST CONTACT", "QUARANTINE", "LAST ERROR"]
        func number(_ value: Int64?) -> String { value.map { String($0) } ?? "-" }
        let lines: [[String]] = rows.map { row in
            let contact: String = row.lastContactAt.map(Self.time) ?? "never"
            return [row.store, row.lane, String(row.storedSeq), number(row.laneNewestSeq), number(row.lagEvents), number(row.lagMinutes),
                    contact, row.quarantine ?? "-", row.lastError ?? "-"]
        }
        let widths = (0..<header.count).map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        return ([header] + lines).map { cells in
            cells.enumerated().map { $0.offset == cells.count - 1 ? $0.element : $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `status --format json`: an array of objects, nulls where a value is unknown.
    public static func json(_ rows: [LaneStatusRow]) -> String {
        func int(_ value: Int64?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return JSONValue.array(rows.map { row in
            .object(["lane": .string(row.lane), "store": .string(row.store), "storedSeq": .int(row.storedSeq),
                     "laneNewestSeq": int(row.laneNewestSeq), "lagEvents": int(row.lagEvents), "lagMinutes": int(row.lagMinutes),
                     "lastContactAt": text(row.lastContactAt.map(Self.time)), "lastError": text(row.lastError),
                     "quarantine": text(row.quarantine)])
        }).text
    }

    static func time(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601)
    }
}
