import Journal

/// A page that continues a lane's cursor, every hash and signature checked: what may be stored.
public struct VerifiedPage: Sendable {
    /// The cursor the page continues (the ingest stores it only if the database still has it).
    public let base: LaneCursor
    /// The new events (the one repeated from the cursor is left out).
    public let events: [StoredEvent]
    public let sales: [(seq: Int64, rows: SaleRows)]
    /// The cursor after the page: its last event, and the newest signed head seen.
    public let cursor: LaneCursor
    /// Whether the lane should hear that these are stored: not when they are all head office's
    /// own acknowledgements (acknowledging those would never end).
    public let needsAcknowledgement: Bool
}

/// A `writes` text this kiosk-hq cannot read (a newer lane?): nothing is stored until it can.
public struct UnreadableWrites: Error, CustomStringConvertible {
    public let seq: Int64
    public let problem: WireError
    public var description: String { "unreadable-writes at seq \(seq): \(problem)" }
}

/// Verification on ingest, pure: what a lane answered, against its enrolment and the cursor head
/// office keeps. A finding (thrown as `QuarantineFinding`) quarantines the lane; an answer that is
/// not what the document says is an `InvalidAnswer` (an error, retried later).
public enum IngestVerifier {
    /// getLane: the lane is the enrolled one, its signed head verifies, and its journal has not gone
    /// back behind what head office stored or saw signed. Returns the head when it is newer than
    /// the one kept.
    public static func check(_ status: LaneStatus, lane: EnrolledLane, cursor: LaneCursor) throws -> SignedHead? {
        guard status.laneID == lane.id, status.publicKey == lane.publicKey else {
            throw QuarantineFinding(.identityMismatch, [
                "enrolledLane": .string(lane.id), "laneID": .string(status.laneID),
                "enrolledKey": .string(lane.fingerprint), "laneKey": .string(LaneIdentity.fingerprint(of: status.publicKey)),
            ])
        }
        guard status.newestSeq >= cursor.seq else { throw rolledBack(cursor: cursor, newestSeq: status.newestSeq) }
        guard let head = status.head else {
            if status.newestSeq > 0 { throw InvalidAnswer(path: "head", problem: "null while the lane has events") }
            return nil
        }
        try checkSignature(head, lane: lane)
        if let seen = cursor.newestHead, head.seq < seen.seq {
            throw QuarantineFinding(.rolledBack, ["signedSeq": .int(seen.seq), "signedHash": .hex(seen.hash), "headSeq": .int(head.seq)])
        }
        guard head.seq >= cursor.seq else { throw rolledBack(cursor: cursor, newestSeq: head.seq) }
        try checkKnown(seq: head.seq, hash: head.hash, cursor: cursor)
        return head.seq > (cursor.newestHead?.seq ?? 0) ? head : nil
    }

    /// The answer `409 cursor-beyond-head`: the lane has fewer events than head office stored.
    public static func rolledBack(cursor: LaneCursor, newestSeq: Int64) -> QuarantineFinding {
        QuarantineFinding(.rolledBack, ["storedSeq": .int(cursor.seq), "storedHash": .hex(cursor.hash), "newestSeq": .int(newestSeq)])
    }

    /// The seq to ask events after: the cursor's own event is asked again (when there is one) so
    /// that a lane whose history was rewritten under it shows another hash there: a fork.
    public static func after(_ cursor: LaneCursor, overlap: Bool) -> Int64 {
        overlap && cursor.seq > 0 ? cursor.seq - 1 : cursor.seq
    }

    /// getEvents: the page asked `after(cursor, overlap:)`.
    public static func check(_ page: EventPage, overlap: Bool, lane: EnrolledLane, cursor: LaneCursor) throws -> VerifiedPage {
        let asked = after(cursor, overlap: overlap)
        guard page.after == asked else { throw InvalidAnswer(path: "after", problem: "not the cursor asked") }
        var events = page.events[...]
        if asked < cursor.seq {
            guard let repeated = events.first else { throw rolledBack(cursor: cursor, newestSeq: page.last) }
            guard repeated.seq == cursor.seq else { throw gap(expected: cursor.seq, got: repeated.seq) }
            guard repeated.hash == cursor.hash else {
                throw QuarantineFinding(.fork, ["seq": .int(cursor.seq), "storedHash": .hex(cursor.hash), "laneHash": .hex(repeated.hash)])
            }
            events = events.dropFirst()
        }
        var previous = cursor.hash, expected = cursor.seq + 1
        var sales: [(seq: Int64, rows: SaleRows)] = []
        var needsAcknowledgement = false
        for event in events {
            guard event.seq == expected else { throw gap(expected: expected, got: event.seq) }
            let computed = LaneJournal.chain(previous, seq: event.seq, at: event.at, session: event.session, kind: event.kind,
                                             payload: event.payload, writes: event.writes)
            guard computed == event.hash else {
                throw QuarantineFinding(.chainBroken, ["seq": .int(event.seq), "laneHash": .hex(event.hash), "computedHash": .hex(computed)])
            }
            try checkKnown(seq: event.seq, hash: event.hash, cursor: cursor)
            guard EventPartitions.month(of: event.at) != nil else {
                throw QuarantineFinding(.timeOutOfRange, ["seq": .int(event.seq), "at": .int(event.at)])
            }
            if let writes = event.writes {
                do {
                    sales += try SaleRows.recorded(inWrites: writes).map { (seq: event.seq, rows: $0) }
                } catch { throw UnreadableWrites(seq: event.seq, problem: error) }
            }
            needsAcknowledgement = needsAcknowledgement || event.kind != StoredEvent.acknowledgementKind
            previous = computed
            expected += 1
        }
        let last = expected - 1
        guard page.last == (page.events.isEmpty ? asked : last) else { throw InvalidAnswer(path: "last", problem: "not the page's last event") }
        var newest = cursor.newestHead
        if page.events.isEmpty {
            guard page.head == nil else { throw InvalidAnswer(path: "head", problem: "a head on an empty page") }
        } else {
            guard let head = page.head else { throw InvalidAnswer(path: "head", problem: "null on a page with events") }
            try checkSignature(head, lane: lane)
            guard head.seq == page.events.last!.seq, head.hash == page.events.last!.hash else {
                throw QuarantineFinding(.headMismatch, ["headSeq": .int(head.seq), "headHash": .hex(head.hash), "lastSeq": .int(last),
                                                        "lastHash": .hex(previous)])
            }
            if head.seq > (newest?.seq ?? 0) { newest = head }
        }
        return VerifiedPage(base: cursor, events: Array(events), sales: sales,
                            cursor: LaneCursor(seq: last, hash: previous, newestHead: newest), needsAcknowledgement: needsAcknowledgement)
    }

    static func checkSignature(_ head: SignedHead, lane: EnrolledLane) throws {
        guard head.lane == lane.id else {
            throw QuarantineFinding(.identityMismatch, ["enrolledLane": .string(lane.id), "headLane": .string(head.lane)])
        }
        guard head.isValid(publicKey: lane.publicKey) else {
            throw QuarantineFinding(.badSignature, ["seq": .int(head.seq), "hash": .hex(head.hash), "at": .int(head.at),
                                                    "signature": .string(Hex.encode(head.signature))])
        }
    }

    /// A hash the lane shows at a seq head office already knows: the stored cursor's, or the newest
    /// signed head's. Another one there is a fork.
    static func checkKnown(seq: Int64, hash: [UInt8], cursor: LaneCursor) throws {
        let known = [(cursor.seq, cursor.hash)] + (cursor.newestHead.map { [($0.seq, $0.hash)] } ?? [])
        for (knownSeq, knownHash) in known where knownSeq == seq && seq > 0 && knownHash != hash {
            throw QuarantineFinding(.fork, ["seq": .int(seq), "storedHash": .hex(knownHash), "laneHash": .hex(hash)])
        }
    }

    static func gap(expected: Int64, got: Int64) -> QuarantineFinding {
        QuarantineFinding(.gap, ["expectedSeq": .int(expected), "seq": .int(got)])
    }
}
