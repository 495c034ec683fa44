import Hummingbird
import Journal
import Sync

/// Head office's acknowledgement (`POST /sync/v1/ack`): it stored everything up to `seq`, whose
/// hash it quotes. Journaled on the lane; the backlog shrinks.
struct AcknowledgementRoutes: Sendable {
    let runtime: LaneRuntime

    func add(to router: Router<SyncRequestContext>) {
        router.post("/sync/v1/ack") { request, context in
            let body = try await SyncBody.object(request, limit: 1024, keys: ["seq", "hash"])
            // 1 to 2^53 - 1, as the document says: a seq JSON's every reader reads alike.
            let seq = Int64(try SyncBody.field { () throws(WireError) in try body.int("seq", in: 1...9_007_199_254_740_991) })
            let hashText = try SyncBody.field { () throws(WireError) in try body.string("hash") }
            guard let hash = Hex.decode(hashText, count: 32), hashText == hashText.lowercased() else {
                throw SyncResponse.Failure(.badRequest, "bad-request", ["field": "hash"])
            }
            let status: PullStatus
            do { status = try await runtime.acknowledge(seq: seq, hash: hash, client: context.credential.name) } catch is OutOfServiceError {
                throw SyncResponse.Failure(.serviceUnavailable, "out-of-service")
            }
            return SyncResponse.json(.ok, .object(["acknowledgedSeq": .int(status.acknowledgedSeq), "backlog": .int(status.backlog)]))
        }
    }
}

extension LaneRuntime {
    /// Checks and journals an acknowledgement in one turn of the actor, so two at once cannot both
    /// pass the check. The same acknowledgement twice is taken once; one that covers less than an
    /// earlier one, quotes another hash, or names an entry the lane does not have is refused.
    func acknowledge(seq: Int64, hash: [UInt8], client: String) throws -> PullStatus {
        switch try journal.checkAcknowledgement(seq: seq, hash: hash) {
        case nil:
            try record(.syncAcknowledged(seq: seq, hash: hash, client: client))
        case .behind where try journal.pullStatus().acknowledgedSeq == seq:
            break // a retry of the newest acknowledgement: already journaled
        case let problem?:
            throw SyncResponse.Failure(.conflict, problem.rawValue)
        }
        return try journal.pullStatus()
    }
}
