import CatalogStore
import Checkout
import Crypto
import Foundation
import Journal
import Retail

/// What a pushed catalog did: the version the lane sells from now, and the rows it left out.
public struct CatalogPushResult: Hashable, Sendable {
    /// The catalog store's version id, as `catalog-installed` journals it.
    public let version: String
    public let items: Int
    /// Every row left out.
    public let rejectedCount: Int
    /// The first `listedRows` rows left out: the line each starts on and the code of its first
    /// problem (`CatalogRowError.code`: `invalid-price`, `duplicate-gtin`, ...).
    public let rejected: [RejectedRow]

    public struct RejectedRow: Hashable, Sendable {
        public let line: Int
        public let code: String
    }

    static let listedRows = 1000
}

/// Head office's pushes, through the sync API: each is checked whole first (a refusal changes
/// nothing and journals nothing), then stored, journaled, and put in force on the running lane.
/// Refusals are `PushError`s.
extension LaneRuntime {
    /// Imports a catalog CSV that the caller has streamed to `csvFile` (and removes afterwards),
    /// with `kiosk catalog import`'s rules and the store profile's format, as a new version of the
    /// catalog store; the lane sells from it at once, and after a restart. `sha256` is the CSV's,
    /// as received. A file with a bad header or no valid row is `catalog-refused`.
    public func installCatalog(csvFile: URL, sha256: [UInt8], client: String) async throws(PushError) -> CatalogPushResult {
        guard sha256.count == 32 else { throw PushError(.badRequest, field: "sha256", "must be a SHA-256 digest (32 bytes)") }
        try checkInService()
        // One at a time, so that catalog-installed events are in the order the versions switched.
        guard !installingCatalog else { throw PushError(.catalogImportInProgress, "another catalog push is being imported") }
        installingCatalog = true
        defer { installingCatalog = false }

        let imported = try await catalog.install(csvFile: csvFile)
        let report = imported.report
        let version = String(imported.version.id)
        do {
            try journalPush(.catalogInstalled(.init(version: version, items: report.items, rejected: report.rejectedRows,
                                                sha256: sha256, client: client)))
        } catch {
            // The store has switched already: the lane sells from a version the journal does not show.
            logger.critical("a pushed catalog is in force but not journaled", metadata: ["version": "\(version)"])
            throw error
        }
        logger.notice("catalog pushed by head office", metadata: [
            "version": "\(version)", "items": "\(report.items)", "rejected": "\(report.rejectedRows)", "client": "\(client)"])
        var rejected: [CatalogPushResult.RejectedRow] = []
        for error in report.errors where error.line != rejected.last?.line {  // a row's errors are together
            guard rejected.count < CatalogPushResult.listedRows else { break }
            rejected.append(.init(line: error.line, code: error.code))
        }
        return CatalogPushResult(version: version, items: report.items, rejectedCount: report.rejectedRows, rejected: rejected)
    }

    /// Replaces the coupon signing keys: coupons signed by any of them are accepted from now on,
    /// those signed by others refused; an empty list refuses every coupon ("not accepted here").
    /// Refused: a malformed key, more than 16, a repeated id, and the published demo key unless
    /// the lane runs --demo (`demo-key-refused`).
    public func installCouponKeys(_ keys: [AdminEvent.InstalledKey], client: String) throws(PushError) {
        let checked = try PushRules.couponKeys(keys, refusedKey: demo ? nil : demoCouponKey)
        try checkInService()
        var next = profile
        next.couponKeys = checked
        let interpreter: ScanInterpreter
        do { interpreter = try next.scanInterpreter() } catch { throw PushError(.badRequest, field: "keys", "\(error)") }
        try persist(PushedFiles.text(couponKeys: checked), as: PushedFiles.couponKeysFile,
                  journaling: .couponKeysInstalled(keys: checked.map { .init(id: $0.id, publicKey: $0.publicKey) }, client: client))
        profile = next
        router = ScanRouter(interpreter: interpreter)
        logger.notice("coupon keys pushed by head office", metadata: ["keys": "\(checked.map(\.id))", "client": "\(client)"])
    }

    /// Replaces who may approve at this lane (the settings' `staff` rules, at most 10,000). The
    /// journal gets the badges and the SHA-256 of the list as stored (`pushed/staff.json`: sorted
    /// by badge), never the PIN hashes.
    public func installStaff(_ members: [StaffMember], client: String) throws(PushError) {
        let sorted = try PushRules.staff(members)
        try checkInService()
        let text = PushedFiles.text(staff: sorted)
        try persist(text, as: PushedFiles.staffFile,
                  journaling: .staffListInstalled(badges: sorted.map(\.badge), sha256: Array(SHA256.hash(data: text)), client: client))
        staff.replace(sorted)
        logger.notice("staff list pushed by head office", metadata: ["staff": "\(sorted.count)", "client": "\(client)"])
    }

    /// Coupon ids redeemed at other lanes: refused here from now on (`coupon-already-redeemed`).
    /// Returns how many distinct ids were recorded (none is journaled for an empty list).
    @discardableResult
    public func blockRedeemedCoupons(ids: [String], client: String) throws(PushError) -> Int {
        let unique = try PushRules.couponIDs(ids)
        try checkInService()
        guard !unique.isEmpty else { return 0 }
        try journalPush(.couponsRedeemedElsewhere(ids: unique, client: client))
        logger.info("coupons redeemed elsewhere", metadata: ["ids": "\(unique.count)", "client": "\(client)"])
        return unique.count
    }

    private static let outOfServiceRefusal = PushError(.outOfService, "the lane is out of service: its journal is not to be added to")

    private func checkInService() throws(PushError) {
        if outOfService != nil { throw Self.outOfServiceRefusal }
    }

    private func journalPush(_ event: AdminEvent) throws(PushError) {
        do { try record(event) } catch is OutOfServiceError {
            throw Self.outOfServiceRefusal
        } catch {
            logger.error("push not journaled", metadata: ["event": "\(event.kind)", "error": "\(error)"])
            throw PushError(.journalUnavailable, "the lane cannot record this right now")
        }
    }

    /// Writes the file beside the one in force, journals the event, then renames the file into
    /// place: a push is journaled when, and only when, it will be in force after a restart (but for
    /// a rename that fails after the journal committed, which is logged).
    private func persist(_ bytes: [UInt8], as name: String, journaling event: AdminEvent) throws(PushError) {
        let pending: PrivateFolder.Pending
        do { pending = try pushed.prepare(bytes, as: name) } catch {
            logger.error("pushed file not written", metadata: ["file": "\(name)", "error": "\(error)"])
            throw PushError(.storageUnavailable, "the lane cannot store this right now")
        }
        do { try journalPush(event) } catch {
            pending.discard()
            throw error
        }
        do { try pending.commit() } catch {
            logger.critical("a push is journaled but its file is not in place: push it again",
                            metadata: ["file": "\(name)", "error": "\(error)"])
            throw PushError(.storageUnavailable, "the lane cannot store this right now")
        }
    }
}
