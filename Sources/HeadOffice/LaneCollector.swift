import Deadlines
import Journal
import Logging
import PostgresNIO

/// One lane's round: getLane checked against the enrolment and the cursor, then page after page
/// verified, stored in one transaction each, and acknowledged, until the lane has no more.
/// A finding quarantines the lane (its evidence kept, nothing of the page stored); any other
/// failure is thrown for the caller to record and retry later.
public struct LaneCollector: Sendable {
    let cursors: CursorStore
    let ingest: PageIngest
    let logger: Logger
    /// Events and bytes per page asked (docs/sync-api.yaml `limit`, `maxBytes`).
    public var pageLimit = 1000
    public var pageBytes = 1_048_576
    /// The longest one database step of a round may take before the round is given up.
    public var stepTimeout: Duration = .seconds(60)

    public init(db: PostgresHandle, partitions: PartitionCache = PartitionCache()) {
        cursors = CursorStore(db)
        ingest = PageIngest(db, partitions: partitions)
        logger = db.logger
    }

    public enum Outcome: Sendable, Equatable {
        /// Collected up to the lane's newest event: this many new events stored.
        case collected(Int)
        /// Quarantined now, or already (and so not pulled).
        case quarantined(String)
    }

    public func collect(_ client: LaneClient) async throws -> Outcome {
        let lane = client.lane
        var logger = logger
        logger[metadataKey: "lane"] = "\(lane.id)"
        var cursor = try await database("read the cursor") { [cursors] in try await cursors.cursor(lane.id) }
        if let reason = cursor.quarantineReason { return .quarantined(reason) }

        let status = try await client.status()
        let newer: SignedHead?
        do { newer = try IngestVerifier.check(status, lane: lane, cursor: cursor) } catch let finding as QuarantineFinding {
            return try await quarantine(lane.id, finding, cursor, logger)
        }
        try await database("record the contact") { [cursors] in try await cursors.recordContact(lane.id, status: status, newerHead: newer) }
        if let newer { cursor = LaneCursor(seq: cursor.seq, hash: cursor.hash, newestHead: newer) }
        // An acknowledgement lost after its commit (the lane went down) is sent again.
        if status.backlog > 0, status.acknowledgedSeq < cursor.seq {
            do { try await acknowledge(client, cursor, logger) } catch let error as LaneCallError where error.laneCode == "hash-mismatch" {
                // The lane holds another hash at a seq head office stored: its history forked there.
                let evidence: [String: JSONValue] = ["seq": .int(cursor.seq), "storedHash": .hex(cursor.hash),
                                                     "laneAnswer": .string("POST /sync/v1/ack: 409 hash-mismatch")]
                return try await quarantine(lane.id, QuarantineFinding(.fork, evidence), cursor, logger)
            }
        }

        var stored = 0, overlap = true
        while true {
            let page: EventPage
            do {
                page = try await client.events(after: IngestVerifier.after(cursor, overlap: overlap), limit: pageLimit, maxBytes: pageBytes)
            } catch let error as LaneCallError where error.laneCode == "cursor-beyond-head" {
                return try await quarantine(lane.id, IngestVerifier.rolledBack(cursor: cursor, newestSeq: error.newestSeq ?? 0), cursor, logger)
            }
            let verified: VerifiedPage
            do { verified = try IngestVerifier.check(page, overlap: overlap, lane: lane, cursor: cursor) } catch let finding as QuarantineFinding {
                return try await quarantine(lane.id, finding, cursor, logger)
            }
            switch try await database("store a page") { [ingest] in try await ingest.store(verified, lane: lane.id) } {
            case .superseded:
                // Another collector stored it first: carry on from where it got to.
                cursor = try await database("read the cursor") { [cursors] in try await cursors.cursor(lane.id) }
                if let reason = cursor.quarantineReason { return .quarantined(reason) }
                overlap = true
                continue
            case .stored(let next):
                if !verified.events.isEmpty {
                    logger.info("stored events \(verified.events.first!.seq)...\(next.seq) (\(verified.sales.count) sales)")
                }
                if verified.needsAcknowledgement { try await acknowledge(client, next, logger) }
                stored += verified.events.count
                cursor = next
            }
            guard page.more else { break }
            if verified.events.isEmpty {
                // Only the repeated event fitted in the page: ask without it.
                guard overlap else { throw LaneCallError(code: .invalidAnswer, detail: "getEvents: more, but no event after \(cursor.seq)") }
                overlap = false
            } else {
                overlap = true
            }
        }
        try await database("clear the error") { [cursors] in try await cursors.clearError(lane.id) }
        return .collected(stored)
    }

    /// One database step, abandoned after `stepTimeout`: a step stuck in the client (seen after
    /// PostgreSQL restarted) must fail the round, to be retried, not hold the lane forever.
    func database<T: Sendable>(_ step: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withDeadline(stepTimeout, expired: { [stepTimeout] in DatabaseStepTimeout(step: step, limit: stepTimeout) }, body)
    }

    func acknowledge(_ client: LaneClient, _ cursor: LaneCursor, _ logger: Logger) async throws {
        do {
            try await client.acknowledge(seq: cursor.seq, hash: cursor.hash)
        } catch let error as LaneCallError where error.laneCode == "acknowledgement-behind" {
            logger.debug("acknowledgement of \(cursor.seq) already covered")
        }
    }

    func quarantine(_ lane: String, _ finding: QuarantineFinding, _ cursor: LaneCursor, _ logger: Logger) async throws -> Outcome {
        if try await database("quarantine", { [ingest] in try await ingest.quarantine(lane, finding: finding, against: cursor) }) {
            logger.error("quarantined: \(finding)")
            return .quarantined(finding.reason.rawValue)
        }
        // The cursor moved meanwhile (another collector): the finding was against an old one.
        let now = try await database("read the cursor") { [cursors] in try await cursors.cursor(lane) }
        return now.quarantineReason.map(Outcome.quarantined) ?? .collected(0)
    }
}

/// A database step that did not finish in time; the round fails and is retried after its back-off.
public struct DatabaseStepTimeout: Error, CustomStringConvertible {
    public let step: String
    public let limit: Duration
    public var description: String { "database: \(step) did not finish in \(limit)" }
}
