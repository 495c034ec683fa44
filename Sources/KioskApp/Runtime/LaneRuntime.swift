import Checkout
import Deadlines
import Devices
import Foundation
import Journal
import Logging
import Payments
import Peripherals
import Retail

/// The imperative shell around the pure lane: it stamps events with the time, commits them
/// through the lane's engine (journaled BEFORE anyone sees them), publishes the new view and
/// hands the effects (payment, printing) to the effect runner. One actor, so events are handled
/// one at a time.
public actor LaneRuntime {
    nonisolated let lane: Lane
    let journal: LaneJournal
    /// Nil when the lane could not be rebuilt from its journal.
    private var engine: LaneEngine?
    /// Why the lane is out of service (a journal that fails its start-up check or cannot be
    /// restored): every event is refused.
    public private(set) var outOfService: OutOfService?
    let catalog: LaneCatalog
    /// Replaced when head office pushes coupon keys (`installCouponKeys`).
    var router: ScanRouter
    /// The store profile, with the coupon keys in force.
    var profile: StoreProfile
    let terminal: any PaymentTerminal
    let printer: any ReceiptPrinter
    let receipts: ReceiptComposer
    let paymentTimeout: Duration
    let demo: Bool
    /// `kiosk.lane`, with the lane id; `logger` adds the session.
    let laneLogger: Logger
    /// Scans, payments, the printer, journal appends: what `/metrics` shows.
    public nonisolated let metrics: LaneMetrics
    /// Who may approve; a scanned badge is looked up here. Replaced by head office's push (`installStaff`).
    var staff: StaffDirectory
    /// Head office's pushes that outlive a restart.
    let pushed: PushedFiles
    /// Staff lockouts and PIN hash upgrades, saved as they change.
    let staffFiles: StaffFiles
    /// The public half of the published demo coupon key: a push may list it only in demo mode.
    let demoCouponKey: [UInt8]
    /// True while a pushed catalog is imported: pushes are journaled in the order they switched.
    var installingCatalog = false
    /// Payments and printing run here, as child tasks of one task group (`kiosk run` runs it as
    /// a service, so shutdown cancels them; tests await `effects.drained()`).
    public nonisolated let effects = EffectRunner()
    /// The staff badge scanned: the page fills it in and asks for the PIN (to approve, or to open
    /// maintenance). Not journaled (nothing is decided until the PIN is right); gone with the
    /// lane's next step.
    var presentedBadge: LaneView.StaffBadgeView?
    var clock = LaneClock()
    private(set) var devices: LaneView.Devices
    /// The maintenance screen's session, over whatever the lane is doing (LaneRuntime+StaffMode).
    var staffMode: StaffMode
    /// Staff closed the lane: no new session starts. Journaled, so it outlives a restart.
    var laneClosed = false
    private var watchers: [Int: AsyncStream<LaneView>.Continuation] = [:]
    private var nextWatcher = 0
    private var scanLatencies = LatencyWindow(capacity: 10_000)
    /// Item names in the side languages (`catalogNames`), for the page.
    let catalogNames: CatalogNames
    /// The scanner's last reads, for the maintenance screen.
    var scanHistory = ScanHistory()
    /// The payment terminal's last answer (`approved`, `declined`, `unknown`) and when (ms).
    var lastTerminalAnswer: MaintenanceStatus.TerminalAnswer?
    /// Staff asked for the kiosk service to restart (`restartService`): the run loop ends and
    /// `kiosk run` exits with `Kiosk.restartExitCode`, which systemd restarts it on.
    nonisolated let restartRequests = AsyncStream.makeStream(of: Void.self)
    var restartRequested = false
    /// When head office last pulled events (PullNotice), ms; nil since the start until it does.
    private(set) var lastPullAt: Int64?

    func notePull() { lastPullAt = clock.now() }
    /// True while missed receipts are being printed, so two callers never print one twice.
    private var reprinting = false

    /// Rebuilds the lane from its journal (the session open when the kiosk stopped, after a
    /// crash or a power cut). A journal that cannot be restored leaves the lane out of service,
    /// with the reason on the page and in the log, rather than a cart the journal does not hold.
    ///
    /// The state folder holds the catalog store and head office's pushes: pushed coupon keys
    /// replace `profile`'s, a pushed staff list replaces `staff`, an imported catalog replaces
    /// `catalog` (the settings' CSV). A damaged pushed file is a `KioskSetupError`.
    init(lane: Lane, journal: LaneJournal, stateDirectory: URL, profile: StoreProfile, catalog: Catalog,
         staff: [StaffMember], demoCouponKey: [UInt8], terminal: any PaymentTerminal, printer: any ReceiptPrinter,
         scanner: DeviceState, terminalState: DeviceState, receipts: ReceiptComposer, paymentTimeout: Duration, demo: Bool,
         logger: Logger, metrics: LaneMetrics = LaneMetrics(), staffModeTimeout: Int64 = StaffMode.defaultTimeout,
         catalogNames: CatalogNames = .none) throws {
        self.lane = lane
        self.catalogNames = catalogNames
        staffMode = StaffMode(inactivityTimeout: staffModeTimeout)
        self.journal = journal
        pushed = PushedFiles(stateDirectory: stateDirectory)
        var profile = profile
        let pushedKeys = try pushed.couponKeys()
        if let keys = pushedKeys {
            profile.couponKeys = keys
            logger.notice("coupon keys pushed by head office replace the store profile's", metadata: ["keys": "\(keys.map(\.id))"])
        }
        // Anyone can sign coupons with the published demo key: outside --demo a lane does not start with it.
        if !demo, let key = profile.couponKeys.first(where: { $0.publicKeyBytes == demoCouponKey }) {
            throw KioskSetupError.state("\(pushedKeys == nil ? "the store profile" : "head office's pushed coupon keys") list coupon key "
                                        + "\"\(key.id)\", the published demo key: anyone can sign coupons with it. Remove it, or run --demo.")
        }
        self.profile = profile
        router = ScanRouter(interpreter: try profile.scanInterpreter())
        let members = try pushed.staff()
        if let members { logger.notice("the staff list pushed by head office replaces the settings'", metadata: ["staff": "\(members.count)"]) }
        if (members ?? staff).isEmpty { logger.warning("no staff: age checks, voids and cancellations cannot be approved") }
        staffFiles = StaffFiles(stateDirectory: stateDirectory)
        self.staff = StaffDirectory(members ?? staff, lockout: try staffFiles.lockout(now: Self.wallClock()),
                                    upgrades: try staffFiles.upgrades())
        self.catalog = try LaneCatalog(csv: catalog, stateDirectory: stateDirectory, format: CatalogCSV(store: profile),
                                       logger: logger.subsystem(.catalog))
        self.demoCouponKey = demoCouponKey
        self.terminal = terminal
        self.printer = printer
        self.receipts = receipts
        self.paymentTimeout = paymentTimeout
        self.demo = demo
        laneLogger = logger
        self.metrics = metrics
        // Until the printer and terminal answer, they are what the kiosk was started with.
        devices = LaneView.Devices(scanner: scanner, printer: .simulated, terminal: terminalState)
        metrics.printer(devices.printer)
        do {
            // Verified first: a lane never sells on top of a journal someone changed.
            let checked = try journal.verifyOnStart(at: clock.now())
            logger.info("journal verified", metadata: ["from": "\(checked.from)", "to": "\(checked.to)"])
        } catch let error as JournalError {
            outOfService = OutOfService(reason: error.code, seq: error.seq)
            logger.critical("lane out of service: its journal failed verification",
                            metadata: ["seq": "\(error.seq)", "reason": "\(error.code)", "details": "\(error)"])
            return
        } catch {
            outOfService = OutOfService(reason: "journal-unreadable", seq: 0)
            logger.critical("lane out of service: its journal cannot be read", metadata: ["error": "\(error)"])
            return
        }
        do {
            let engine = try LaneEngine(lane: lane, journal: journal)
            clock.advance(past: engine.lastAt)
            laneClosed = try journal.closedByStaff()
            self.engine = engine
        } catch {
            let seq: Int64
            switch error {
            case let error as RestoreError: seq = error.seq
            case let error as JournalError: seq = error.seq
            default: seq = 0
            }
            outOfService = OutOfService(reason: "restore-failed", seq: seq)
            logger.critical("lane out of service: its journal cannot be restored", metadata: ["seq": "\(seq)", "reason": "\(error)"])
        }
    }

    /// Journals an administrative event (head office's acknowledgement or push, a late receipt).
    /// Refused while the lane is out of service: its journal is not to be added to.
    @discardableResult
    public func record(_ event: AdminEvent) throws -> JournalEntry {
        guard var engine else { throw OutOfServiceError() }
        let start = ContinuousClock.now
        let entry = try engine.record(event, at: clock.now())
        metrics.journalAppended(in: ContinuousClock.now - start)
        self.engine = engine
        return entry
    }

    /// Returns once the actor runs it: the watchdog's proof that the lane actor is not hung.
    func answer() {}

    /// The lane's state (a fresh one until restored).
    public var state: LaneState { engine?.state ?? LaneState() }

    /// The lane's logger; its lines name the session when one is open.
    var logger: Logger {
        var logger = laneLogger
        if let session = engine?.state.sessionID { logger[metadataKey: "session"] = "\(session)" }
        return logger
    }

    // MARK: - Events

    /// Runs one event through the lane. Refused events change nothing and are not journaled.
    @discardableResult
    public func submit(_ event: LaneEvent) -> Result<Void, Refusal> {
        // The reason is in the log and in `outOfService` for maintenance; callers get the code.
        guard var engine else { return .failure(Refusal(.outOfService, "the lane is out of service: its journal could not be restored")) }
        let commit: LaneEngine.Commit
        let start = ContinuousClock.now
        do {
            commit = try engine.submit(event, at: clock.now())
        } catch {
            logger.error("journal append failed; event not taken",
                         metadata: ["event": "\(JournalFormat.kind(of: event))", "error": "\(error)"])
            // The reason stays in the log: the page and the API get the code.
            return .failure(Refusal(.journalUnavailable, "the lane cannot record this right now"))
        }
        self.engine = engine
        switch commit {
        case .refused(let refusal):
            return .failure(refusal)
        case .unchanged:
            return .success(())
        case .committed(let transition, _):
            metrics.journalAppended(in: ContinuousClock.now - start)
            // A badge waits for its PIN until the lane moves on (a decision, the shopper's next step).
            if event != .tick { presentedBadge = nil }
            publish()
            perform(transition.effects)
            return .success(())
        }
    }

    /// A code from any scanner: routed (interpreted, looked up) and fed to the lane.
    public func scan(_ code: ScannedCode) -> ScanOutcome {
        let route = router.route(code.data, symbology: code.symbology, lookup: catalog.item(for:))
        let kind = LaneMetrics.ScanKind(route)
        if case .staffBadge = route {} else {
            // A shopper's scan: the maintenance screen gives the lane back as it was.
            if staffMode.session != nil { closeStaffMode(.shopperScan) }
            if laneClosed, case .idle = state.phase {
                scanHistory.record(kind: kind, code: code.data, symbology: code.symbology, accepted: false, at: clock.now())
                return .refused(code: RefusalCode.laneClosed.rawValue, message: "the lane is closed: please use another lane")
            }
        }
        let outcome = take(route, readAt: code.readAt)
        metrics.scanned(kind, outcome)
        scanHistory.record(kind: kind, code: code.data, symbology: code.symbology, accepted: outcome == .accepted, at: clock.now())
        return outcome
    }

    private func take(_ route: ScanRoute, readAt: ContinuousClock.Instant?) -> ScanOutcome {
        let event: LaneEvent
        switch route {
        case .staffBadge(let badge):
            return presentBadge(badge)
        case .coupon(let coupon):
            switch redemptionCheck(coupon) {
            case .some(let refusal): return .refused(code: refusal.code.rawValue, message: refusal.message)
            case nil: event = .couponScanned(coupon)
            }
        case .event(let routed):
            event = routed
        }
        switch submit(event) {
        case .failure(let refusal):
            return .refused(code: refusal.code.rawValue, message: refusal.message)
        case .success:
            // The new view has been published: the scan is on the page.
            if let readAt {
                let latency = ContinuousClock.now - readAt
                scanLatencies.add(latency)
                metrics.scanReachedCart(after: latency)
            }
            if case .scanRejected(_, let reason, let unknown) = event {
                return .refused(code: (unknown ? RefusalCode.unknownItem : .unreadableCode).rawValue, message: reason)
            }
            return .accepted
        }
    }

    /// A coupon is redeemed once per lane: the journal knows which ids were.
    private func redemptionCheck(_ coupon: Coupon) -> Refusal? {
        do {
            guard let used = try journal.couponRedemption(id: coupon.id) else { return nil }
            return Refusal(.couponAlreadyRedeemed, "coupon \(coupon.id) was already used, "
                           + (used.saleID.map { "in sale \($0)" } ?? "at another lane"))
        } catch {
            logger.error("coupon redemption lookup failed", metadata: ["coupon": "\(coupon.id)", "error": "\(error)"])
            return Refusal(.journalUnavailable, "the lane cannot check this coupon right now")
        }
    }

    /// Badge and PIN of staff deciding at the lane (a badge locks after repeated wrong PINs).
    /// A wrong PIN is saved before the answer goes out, so a restart does not clear a lockout.
    /// The check (scrypt, about 50-100 ms) runs on the lane's actor: logins are serialised, and
    /// the lockout caps how many an attacker can ask for.
    public func authenticateStaff(badge: String, pin: String) -> StaffDirectory.Answer {
        let before = staff
        let (answer, changed) = staff.authenticate(badge: badge, pin: pin, now: Self.wallClock())
        guard changed else { return answer }
        do {
            if staff.lockout != before.lockout { try staffFiles.save(staff.lockout) }
            if staff.upgrades != before.upgrades {
                try staffFiles.save(staff.upgrades)
                logger.notice("staff PIN hash upgraded to scrypt", metadata: ["badge": "\(badge)"])
            }
        } catch {
            logger.error("staff login state not saved", metadata: ["error": "\(error)"])
        }
        return answer
    }

    /// Wall-clock milliseconds, for lockouts that outlive a restart.
    static func wallClock() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// A staff badge scanned: the page opens the staff form with the badge filled in and asks for
    /// the PIN: to approve while the lane waits for staff, else to open the maintenance screen
    /// (approval and login themselves go through the staff API).
    func presentBadge(_ badge: String) -> ScanOutcome {
        guard let name = staff.name(ofBadge: badge) else {
            return .refused(code: RefusalCode.unknownBadge.rawValue, message: "badge \(badge) is not one of this lane's staff")
        }
        if staffMode.session != nil { return .accepted } // the maintenance screen is open: nothing to ask
        presentedBadge = LaneView.StaffBadgeView(badge: badge, name: name)
        logger.info("staff badge scanned", metadata: ["badge": "\(badge)"])
        publish()
        return .accepted
    }

    // MARK: - Effects

    /// Hands what the shell must do to the effect runner. What the journal keeps (attempts,
    /// sales, receipts, sessions) was written with the event already.
    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .requestPayment(let attempt):
                self.effects.add { await self.pay(attempt, sent: false) }
            case .printReceipt(let sale):
                self.effects.add { await self.printReceipt(sale) }
            case .resolveAttempt, .recordSale, .receiptDone, .sessionEnded:
                break
            }
        }
    }

    /// Checks the printer, then hands the attempt to the terminal (unless it may already have
    /// it) and turns the answer into an event. No answer in time means asking for the attempt's
    /// status, never paying again. Cancelled (the kiosk stops): nothing is journaled, and the
    /// next start asks the terminal for the attempt's status.
    func pay(_ attempt: PaymentAttempt, sent: Bool) async {
        if !sent { await checkPrinterBeforePayment() }
        let start = ContinuousClock.now
        let request = PaymentRequest(attemptID: attempt.id, amount: attempt.amount, wallet: attempt.wallet)
        var answer: TerminalAnswer?
        var sendFailure: TerminalError?, statusFailure: TerminalError?
        if !sent {
            do { answer = try await withDeadline(paymentTimeout) { [terminal] in try await terminal.authorize(request) } }
            catch let error as TerminalError { sendFailure = error } catch {}
        }
        // Unreachable: the request never left, so there is nothing to ask about.
        if answer == nil || answer == .inProgress, sendFailure?.neverSent != true {
            do { answer = try await terminal.status(of: attempt.id) } catch let error as TerminalError { statusFailure = error } catch {}
        }
        guard !Task.isCancelled else { return }
        let outcome = Self.outcome(answer, sendFailure: sendFailure, statusFailure: statusFailure)
        metrics.paymentFinished(outcome, after: ContinuousClock.now - start)
        lastTerminalAnswer = .init(outcome, at: clock.now())
        let log = logger.subsystem(.payment)
        log.info("payment settled", metadata: ["attempt": "\(attempt.id)", "outcome": "\(outcome)"])
        if case .failure(let refusal) = submit(.paymentFinished(attemptID: attempt.id, outcome)) {
            log.error("payment outcome not taken", metadata: ["attempt": "\(attempt.id)", "reason": "\(refusal)"])
        }
    }

    /// What the journal and the page are told. A terminal that could not be reached never got the
    /// request: nothing was charged. One that got it and did not answer in time (nor to the status
    /// query) may have charged: staff must look. The two are different outcomes.
    static func outcome(_ answer: TerminalAnswer?, sendFailure: TerminalError?, statusFailure: TerminalError?) -> PaymentOutcome {
        switch answer {
        case .approved(let reference, let tender)?: return .approved(reference: reference, tender: tender)
        case .declined(let reason)?: return .declined(reason: reason)
        case .notFound?: return .declined(reason: DeclineCode.notReceived.laneText!)
        case .inProgress?, nil:
            if case .unreachable? = sendFailure {
                return .declined(reason: DeclineCode.terminalUnreachable.laneText!)
            }
            if case .unreachable? = statusFailure {
                return .unknown(reason: "The payment terminal cannot be reached to ask about this payment.")
            }
            return .unknown(reason: "No answer from the payment terminal in time.")
        }
    }

    /// `copy`: the receipt may have come out already (a restart while it printed), so it is marked COPY.
    func printReceipt(_ sale: CompletedSale, copy: Bool = false) async {
        let printed = await tryPrinting(sale, copy: copy)
        guard !Task.isCancelled else { return } // still pending in the journal: printed after the restart
        submit(.receiptFinished(saleID: sale.id, printed: printed))
    }

    private func tryPrinting(_ sale: CompletedSale, copy: Bool = false) async -> Bool {
        let integrity = try? journal.integrityCode(forSale: sale.id)
        do {
            // A USB printer knows its own paper width and code pages.
            let profile = await printer.receiptProfile()
            try await printer.print(receipts.job(for: sale, integrityCode: integrity, profile: profile, copy: copy))
            return true
        } catch {
            logger.subsystem(.printer).warning("receipt not printed", metadata: ["sale": "\(sale.id)", "error": "\(error)"])
            return false
        }
    }

    /// The printer is back (paper loaded, cover closed, plugged in again): print the receipts it
    /// missed, oldest first, as the journal lists them (so a restart forgets none). The sales
    /// themselves were complete all along.
    public func reprintMissedReceipts() async {
        guard !reprinting else { return }
        reprinting = true
        defer { reprinting = false }
        let missed: [CompletedSale]
        do { missed = try journal.missedReceipts() } catch {
            logger.error("missed receipts cannot be read from the journal", metadata: ["error": "\(error)"])
            return
        }
        for sale in missed {
            guard await tryPrinting(sale) else { return }
            do { try record(.receiptReprinted(saleID: sale.id)) } catch {
                logger.error("reprint not recorded; it may print again", metadata: ["sale": "\(sale.id)", "error": "\(error)"])
            }
            logger.subsystem(.printer).notice("missed receipt printed", metadata: ["sale": "\(sale.id)"])
        }
    }

    /// Unattended lanes check the printer before taking money. A printer that cannot print does
    /// not stop the sale (the shopper gets the e-receipt), but the page and staff see it now.
    func checkPrinterBeforePayment() async {
        let status = await printer.status()
        if status != .ready && status != .paperNearEnd {
            logger.subsystem(.printer).warning("printer not ready before payment; the shopper will be offered an e-receipt",
                           metadata: ["status": "\(status.rawValue)"])
        }
        if let lane = printer as? LanePrinter {
            setDeviceStatus(printer: await lane.state(for: status))
        } else {
            setDeviceStatus(printer: DeviceState(status))
        }
    }

    // MARK: - Start-up

    /// Resumes what the restored lane was waiting for: a payment in flight is settled by asking
    /// the terminal, a receipt that was printing is printed. Returns the number of journaled
    /// events the restore replayed.
    @discardableResult
    public func resume() -> Int {
        guard let engine else { return 0 }
        switch engine.state.phase {
        case .paying(let attempt), .attendantNeeded(.paymentUnresolved(let attempt)):
            // The terminal may have taken the money while the kiosk was down: ask, never repeat.
            effects.add { await self.pay(attempt, sent: true) }
        case .paid:
            // The crash may have come after the paper did: printed again, it says COPY.
            if let sale = engine.state.lastSale { effects.add { await self.printReceipt(sale, copy: true) } }
        case .idle, .shopping, .attendantNeeded, .receipt:
            break
        }
        return engine.replayed
    }

    // MARK: - Views

    public func view() -> LaneView {
        LaneView(state: state, journalSeq: engine?.lastSeq ?? 0, priced: engine?.priced ?? lane.priced(state),
                 receiptLinks: links(for: state.lastSale), devices: devices, demo: demo, storeName: profile.name,
                 staffBadge: presentedBadge, outOfService: outOfService,
                 staffMode: staffMode.session.map { LaneView.StaffModeView(badge: $0.badge, name: $0.name) }, laneClosed: laneClosed,
                 catalogNames: catalogNames)
    }

    private func links(for sale: CompletedSale?) -> LaneView.ReceiptLinks? {
        sale.map { LaneView.ReceiptLinks(key: receipts.linkKey.secret(forSale: $0.id), eReceiptURL: receipts.eReceiptLink(saleID: $0.id)) }
    }

    /// A stream of views, starting with the current one. A slow reader only misses stale views.
    public func views() -> AsyncStream<LaneView> {
        let (stream, continuation) = AsyncStream.makeStream(of: LaneView.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextWatcher
        nextWatcher += 1
        watchers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unwatch(id) } }
        continuation.yield(view())
        return stream
    }

    private func unwatch(_ id: Int) {
        watchers[id] = nil
    }

    /// Device states for the page and maintenance.
    public func setDeviceStatus(scanner: DeviceState? = nil, printer: DeviceState? = nil) {
        var next = devices
        if let scanner { next.scanner = scanner }
        if let printer { next.printer = printer }
        metrics.printer(next.printer)
        guard next != devices else { return }
        devices = next
        publish()
    }

    /// Scan-to-cart latency (device transfer completed to new view published) over the last 10,000 scans.
    public func scanLatencySummary() -> LatencySummary { LatencySummary(scanLatencies.values) }

    /// The camera's device status (CameraStatusReporter): shown on the page when it is a problem.
    func setCameraStatus(_ status: DeviceState) {
        guard devices.camera != status else { return }
        devices.camera = status
        publish()
    }

    func publish() {
        guard !watchers.isEmpty else { return }
        let current = view()
        for watcher in watchers.values { watcher.yield(current) }
    }
}
