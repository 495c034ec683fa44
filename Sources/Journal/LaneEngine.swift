import Checkout
import Retail

/// The one commit path of a lane: reduce, refuse, append, commit, and restore. The runtime and
/// the tests both drive the lane through it, so there is no second way to change a lane.
///
/// An event the reducer refuses changes nothing and is not journaled; an accepted event that
/// changes nothing and causes nothing (most ticks) is not journaled either. Anything else is
/// appended to the journal, with all it causes, BEFORE the new state becomes the engine's: what
/// the journal holds is what happened.
///
/// It lives beside the journal rather than in the shell because it is the only place where the
/// reducer meets the journal: no devices, no HTTP, and the journal's tests use it as it is.
public struct LaneEngine: Sendable {
    public let lane: Lane
    public let journal: LaneJournal
    public private(set) var state: LaneState
    /// `state`'s cart priced, worked out once per change (the summary and the page both need it).
    public private(set) var priced: PricedCart
    /// The newest entry in the journal (0 and 0 for an empty one): times only move forward past it.
    public private(set) var lastSeq: Int64
    public private(set) var lastAt: Timestamp
    /// How many journaled events restoring replayed (the open session's).
    public let replayed: Int

    /// What became of a submitted event.
    public enum Commit: Sendable {
        /// Journaled as `entry`; the engine is in `transition.state`.
        case committed(Transition, JournalEntry)
        /// Accepted, but it changed nothing and caused nothing: not journaled.
        case unchanged
        case refused(Refusal)
    }

    /// Restores the lane from its journal: replays the session that was open when the kiosk
    /// stopped (a crash or a power cut) through the reducer. Replay must give what the journal
    /// recorded after every event; if the reducer refuses a journaled event, or ends anywhere
    /// else, this throws rather than show a cart the journal does not hold.
    public init(lane: Lane, journal: LaneJournal) throws {
        self.lane = lane
        self.journal = journal
        state = LaneState()
        priced = lane.priced(state)
        let newest = try journal.lastEntries(1).last
        lastSeq = newest?.seq ?? 0
        lastAt = newest?.at ?? 0
        let open = try journal.openSession()?.entries ?? []
        replayed = open.count
        for entry in open {
            // Administrative events belong to no session; a lane event is all a session holds.
            guard case .lane(let event) = entry.event else { continue }
            switch lane.reduce(state, event, at: entry.at) {
            case .failure(let refusal):
                throw RestoreError.refused(seq: entry.seq, refusal)
            case .success(let transition):
                state = transition.state
            }
            priced = lane.priced(state)
            let replayed = LaneSummary(state, priced: priced)
            if let recorded = entry.after, recorded != replayed {
                throw RestoreError.diverged(seq: entry.seq, recorded: recorded, replayed: replayed)
            }
        }
    }

    /// Runs one event at `now` through the reducer and journals it if it was taken. Throws only
    /// when the journal cannot write: the event is then not taken and the state is unchanged.
    public mutating func submit(_ event: LaneEvent, at now: Timestamp) throws -> Commit {
        let transition: Transition
        switch lane.reduce(state, event, at: now) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let t): transition = t
        }
        guard transition.state != state || !transition.effects.isEmpty else { return .unchanged }
        let pricedAfter = lane.priced(transition.state)
        let entry = try journal.append(event, at: now, before: state, transition: transition,
                                       after: LaneSummary(transition.state, priced: pricedAfter))
        state = transition.state
        priced = pricedAfter
        lastSeq = entry.seq
        lastAt = now
        return .committed(transition, entry)
    }

    /// Journals an administrative event (a receipt printed late, head office's acknowledgement or
    /// push). It changes no cart, so the reducer does not see it; its time never goes back.
    public mutating func record(_ event: AdminEvent, at now: Timestamp) throws -> JournalEntry {
        let at = max(now, lastAt)
        let entry = try journal.append(event, at: at)
        lastSeq = entry.seq
        lastAt = at
        return entry
    }
}

/// Why a lane could not be restored from its journal. The lane stays out of service with this
/// reason until someone looks: showing a cart the journal does not hold would be worse.
public enum RestoreError: Error, Hashable, CustomStringConvertible {
    case refused(seq: Int64, Refusal)
    case diverged(seq: Int64, recorded: LaneSummary, replayed: LaneSummary)

    public var seq: Int64 {
        switch self {
        case .refused(let seq, _), .diverged(let seq, _, _): return seq
        }
    }

    public var description: String {
        switch self {
        case .refused(let seq, let refusal):
            return "replaying journal entry \(seq) was refused (\(refusal)): this kiosk does not reach the state the journal recorded"
        case .diverged(let seq, let recorded, let replayed):
            return "replaying journal entry \(seq) gave \(replayed), but the journal recorded \(recorded)"
        }
    }
}

/// What a lane looked like after an event, stored with it: the phase, how many lines and items,
/// and the total in minor units. Restore compares its replay against it.
public struct LaneSummary: Hashable, Sendable, CustomStringConvertible {
    public let phase: String
    public let lines: Int
    public let items: Int
    public let total: Int64

    public init(phase: String, lines: Int, items: Int, total: Int64) {
        self.phase = phase
        self.lines = lines
        self.items = items
        self.total = total
    }

    /// `priced` is `state`'s cart priced by the lane.
    public init(_ state: LaneState, priced: PricedCart) {
        self.init(phase: Self.name(of: state.phase), lines: state.lines.count,
                  items: state.lines.reduce(0) { $0 + $1.quantity }, total: priced.total.minorUnits)
    }

    public static func name(of phase: Phase) -> String {
        switch phase {
        case .idle: return "idle"
        case .shopping: return "shopping"
        case .attendantNeeded: return "attendant-needed"
        case .paying: return "paying"
        case .paid: return "paid"
        case .receipt: return "receipt"
        }
    }

    public var description: String { "\(phase) with \(lines) lines, \(items) items, total \(total)" }

    var wire: JSONValue {
        .object(["phase": .string(phase), "lines": .int(Int64(lines)), "items": .int(Int64(items)), "total": .int(total)])
    }

    init(text: String) throws {
        let o = try WireObject(try JSONValue.parse(text), path: "after")
        self.init(phase: try o.string("phase"), lines: try o.int("lines", in: 0...Int(Int32.max)),
                  items: try o.int("items", in: 0...Int(Int32.max)), total: try o.int("total"))
    }
}
