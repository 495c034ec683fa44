import Checkout
import Devices
import Journal
import Logging
import Payments
import Retail

/// The imperative shell around the pure lane: it stamps events with the time, runs them through
/// the reducer, journals what was accepted BEFORE anyone sees it, publishes the new view and
/// performs the effects (payment, printing). One actor, so events are handled one at a time.
public actor LaneRuntime {
    nonisolated let lane: Lane
    public private(set) var state = LaneState()
    let journal: LaneJournal
    let catalog: LaneCatalog
    let interpreter: ScanInterpreter
    let terminal: any PaymentTerminal
    let printer: any ReceiptPrinter
    let receipts: ReceiptComposer
    let paymentTimeout: Duration
    let demo: Bool
    let storeName: LocalizedName
    let logger: Logger
    /// Who may approve; a scanned badge is looked up here.
    let staff: StaffDirectory
    /// The staff badge scanned while the lane waits for staff: the page fills it in and asks
    /// for the PIN. Not journaled (nothing is decided until the PIN is right); gone when the
    /// lane stops waiting.
    private var presentedBadge: LaneView.StaffBadgeView?
    private var clock = LaneClock()
    private var journalSeq: Int64 = 0
    /// The receipt links of the last sale, looked up once per sale.
    private var receiptLinks: (saleID: String, links: LaneView.ReceiptLinks)?
    private var devices: LaneView.Devices
    private var watchers: [Int: AsyncStream<LaneView>.Continuation] = [:]
    private var nextWatcher = 0
    /// Receipts that did not print (paper out, cover open, unplugged), to print when it is back.
    private var unprinted: [CompletedSale] = []
    private var scanLatencies = LatencyWindow(capacity: 10_000)

    init(lane: Lane, journal: LaneJournal, catalog: Catalog, interpreter: ScanInterpreter,
         terminal: any PaymentTerminal, printer: any ReceiptPrinter, scannerName: String, receipts: ReceiptComposer,
         paymentTimeout: Duration, demo: Bool, storeName: LocalizedName, logger: Logger,
         staff: StaffDirectory = StaffDirectory([]), catalogStore: CatalogStore? = nil) {
        self.lane = lane
        self.journal = journal
        self.catalog = LaneCatalog(csv: catalog, store: catalogStore, logger: logger)
        self.interpreter = interpreter
        self.terminal = terminal
        self.printer = printer
        self.receipts = receipts
        self.paymentTimeout = paymentTimeout
        self.demo = demo
        self.storeName = storeName
        self.logger = logger
        self.staff = staff
        devices = LaneView.Devices(scanner: scannerName, printer: printer.name, terminal: terminal.name)
    }

    // MARK: - Events

    /// Runs one event through the lane. Refused events change nothing and are not journaled.
    @discardableResult
    public func submit(_ event: LaneEvent) -> Result<Void, Refusal> {
        let now = clock.now()
        var next = state
        let effects = lane.reduce(&next, event, at: now)
        if case .refuse(let refusal)? = effects.first { return .failure(refusal) }
        guard next != state || !effects.isEmpty else { return .success(()) }
        do {
            journalSeq = try journal.append(event, at: now, before: state, after: next, effects: effects).seq
        } catch {
            logger.error("journal append failed; event not taken", metadata: ["event": "\(event.kind)", "error": "\(error)"])
            return .failure(Refusal(code: "journal-unavailable",
                                    message: "The lane cannot record this right now. Please call a member of staff."))
        }
        state = next
        if case .attendantNeeded = next.phase {} else { presentedBadge = nil }
        publish()
        perform(effects)
        return .success(())
    }

    /// A code from any scanner: interpreted, looked up, and fed to the lane.
    public func scan(_ code: ScannedCode) -> ScanOutcome {
        let event: LaneEvent
        switch route(code) {
        case .refuse(let refusal):
            return .refused(code: refusal.code, message: refusal.message)
        case .staffBadge(let badge):
            return presentBadge(badge)
        case .event(let routed):
            event = routed
        }
        switch submit(event) {
        case .failure(let refusal):
            return .refused(code: refusal.code, message: refusal.message)
        case .success:
            // The new view has been published: the scan is on the page.
            if let readAt = code.readAt { scanLatencies.add(ContinuousClock.now - readAt) }
            if case .scanRejected(_, let reason, let unknown) = event {
                return .refused(code: unknown ? "unknown-item" : "unreadable-code", message: reason)
            }
            return .accepted
        }
    }

    /// Where a scan goes: a lane event (items, member cards, coupons, wallet codes, rejections),
    /// a refusal the shell makes itself (a coupon this lane already redeemed), or the staff form.
    enum ScanRoute: Equatable {
        case event(LaneEvent)
        case refuse(Refusal)
        case staffBadge(String)
    }

    func route(_ code: ScannedCode) -> ScanRoute {
        let shown = Self.printable(code.data)
        let meaning: ScanMeaning
        do {
            meaning = try interpreter.interpret(code.interpretable)
        } catch {
            return .event(.scanRejected(code: shown, reason: error.description, unknownItem: false))
        }
        func rejected(_ reason: String) -> ScanRoute { .event(.scanRejected(code: shown, reason: reason, unknownItem: false)) }
        switch meaning {
        case .item(let gtin):
            guard let item = catalog.item(for: gtin), item.pricing == .unit else { break }
            return .event(.itemScanned(item, embeddedPrice: nil))
        case .embeddedPrice(let key, let price):
            guard price.minorUnits > 0 else { return rejected("the scale label shows no price") }
            guard let item = catalog.item(for: key), item.pricing == .embeddedPrice else { break }
            return .event(.itemScanned(item, embeddedPrice: price))
        case .embeddedWeight(let key, let grams):
            guard grams > 0 else { return rejected("the scale label shows no weight") }
            guard let item = catalog.item(for: key), item.pricing == .embeddedPrice else { break }
            let price = VariableMeasure.price(grams: grams, perKilogram: item.price)
            guard price.minorUnits > 0 else { return rejected("\(grams) g of \(item.name.en) comes to nothing at \(item.price)/kg") }
            return .event(.itemScanned(item, embeddedPrice: price))
        case .memberCard(let number):
            return .event(.memberCardScanned(number))
        case .gs1Item(let gtin, let price):
            guard let item = catalog.item(for: gtin) else { break }
            switch (item.pricing, price) {
            case (.unit, _): return .event(.itemScanned(item, embeddedPrice: nil)) // the catalog price rules
            case (.embeddedPrice, let price?): return .event(.itemScanned(item, embeddedPrice: price))
            case (.embeddedPrice, nil): return rejected("the code carries no price (AI 392n) for this weighed item")
            }
        case .walletPayment(let wallet):
            // Never the digits: the reducer decides, and the journal stores the masked code.
            return .event(.walletCodeScanned(wallet))
        case .coupon(let coupon):
            do {
                if let used = try journal.couponRedemption(id: coupon.id) {
                    return .refuse(Refusal(code: "coupon-already-redeemed",
                                           message: "coupon \(coupon.id) was already used, in sale \(used.saleID)"))
                }
            } catch {
                logger.error("coupon redemption lookup failed", metadata: ["coupon": "\(coupon.id)", "error": "\(error)"])
                return .refuse(Refusal(code: "journal-unavailable",
                                       message: "The lane cannot check this coupon right now. Please call a member of staff."))
            }
            return .event(.couponScanned(coupon))
        case .staffBadge(let badge):
            return .staffBadge(badge)
        }
        return .event(.scanRejected(code: shown, reason: "item \(shown) is not in the catalog", unknownItem: true))
    }

    /// A staff badge scanned: while the lane waits for staff, the page opens the staff form with
    /// the badge filled in and asks for the PIN (approval itself goes through the staff API).
    func presentBadge(_ badge: String) -> ScanOutcome {
        guard case .attendantNeeded = state.phase else {
            return .refused(code: "nothing-to-approve", message: "staff badge \(badge): nothing is waiting for staff")
        }
        guard let name = staff.badgeNames[badge] else {
            return .refused(code: "unknown-badge", message: "badge \(badge) is not one of this lane's staff")
        }
        presentedBadge = LaneView.StaffBadgeView(badge: badge, name: name)
        logger.info("staff badge scanned", metadata: ["badge": "\(badge)"])
        publish()
        return .accepted
    }

    /// Scanner data as it may be shown and journaled: printable characters only, bounded length.
    static func printable(_ data: String) -> String {
        let visible = data.unicodeScalars.filter { $0.properties.generalCategory != .control }
        let text = String(String.UnicodeScalarView(visible.prefix(64)))
        return visible.count > 64 ? text + "…" : text
    }

    // MARK: - Effects

    private func perform(_ effects: [Effect]) {
        for effect in effects {
            switch effect {
            case .requestPayment(let attempt):
                Task {
                    await self.checkPrinterBeforePayment()
                    await self.settlePayment(attempt, sent: false)
                }
            case .printReceipt(let sale):
                Task { await self.printReceipt(sale) }
            case .recordSale, .sessionEnded, .refuse:
                break // journaled with the event
            }
        }
    }

    /// Hands the attempt to the terminal (unless it may already have it) and turns the answer into
    /// an event. No answer in time means asking for the attempt's status, never paying again.
    func settlePayment(_ attempt: PaymentAttempt, sent: Bool) async {
        let request = PaymentRequest(attemptID: attempt.id, amount: attempt.amount, wallet: attempt.wallet)
        var answer: TerminalAnswer?
        if !sent {
            answer = try? await withDeadline(paymentTimeout) { [terminal] in try await terminal.authorize(request) }
        }
        if answer == nil || answer == .inProgress {
            answer = try? await terminal.status(of: attempt.id)
        }
        let outcome: PaymentOutcome
        switch answer {
        case .approved(let reference, let tender)?: outcome = .approved(reference: reference, tender: tender)
        case .declined(let reason)?: outcome = .declined(reason: reason)
        case .notFound?: outcome = .declined(reason: "The terminal did not receive the payment. You have not been charged.")
        case .inProgress?, nil: outcome = .unknown(reason: "No answer from the payment terminal.")
        }
        logger.info("payment settled", metadata: ["attempt": "\(attempt.id)", "outcome": "\(outcome)"])
        if case .failure(let refusal) = submit(.paymentFinished(attemptID: attempt.id, outcome)) {
            logger.error("payment outcome not taken", metadata: ["attempt": "\(attempt.id)", "reason": "\(refusal)"])
        }
    }

    func printReceipt(_ sale: CompletedSale) async {
        let printed = await tryPrinting(sale)
        if !printed { unprinted.append(sale) } // printed once the printer is back
        submit(.receiptFinished(saleID: sale.id, printed: printed))
    }

    private func tryPrinting(_ sale: CompletedSale) async -> Bool {
        let integrity = try? journal.integrityCode(forSale: sale.id)
        do {
            // A USB printer knows its own paper width and code pages.
            let profile = await printer.receiptProfile()
            try await printer.print(receipts.job(for: sale, integrityCode: integrity, profile: profile))
            return true
        } catch {
            logger.warning("receipt not printed", metadata: ["sale": "\(sale.id)", "error": "\(error)"])
            return false
        }
    }

    /// The printer is back (paper loaded, cover closed, plugged in again): print the receipts it
    /// missed, oldest first. The sales themselves were complete all along.
    public func reprintMissedReceipts() async {
        while let sale = unprinted.first {
            guard await tryPrinting(sale) else { return }
            unprinted.removeFirst()
            logger.notice("missed receipt printed", metadata: ["sale": "\(sale.id)"])
        }
    }

    /// Unattended lanes check the printer before taking money. A printer that cannot print does
    /// not stop the sale (the shopper gets the e-receipt), but the page and staff see it now.
    func checkPrinterBeforePayment() async {
        let status = await printer.status()
        if status != .ready && status != .paperNearEnd {
            logger.warning("printer not ready before payment; the shopper will be offered an e-receipt",
                           metadata: ["status": "\(status.rawValue)"])
        }
        if let lane = printer as? LanePrinter {
            setDeviceStatus(printer: await lane.label(for: status))
        } else {
            setDeviceStatus(printer: LanePrinter.label(status))
        }
    }

    // MARK: - Start-up

    /// Replays the session that was open when the kiosk stopped (a crash or power cut), then
    /// resumes what it was waiting for. Returns the number of events replayed.
    public func restore() throws -> Int {
        if let newest = try journal.lastEntries(1).last {
            clock.advance(past: newest.at)
            journalSeq = newest.seq
        }
        guard let open = try journal.openSession() else { return 0 }
        for entry in open.entries {
            _ = lane.reduce(&state, entry.event, at: entry.at)
        }
        switch state.phase {
        case .paying(let attempt), .attendantNeeded(.paymentUnresolved(let attempt)):
            // The terminal may have taken the money while the kiosk was down: ask, never repeat.
            Task { await self.settlePayment(attempt, sent: true) }
        case .paid:
            if let sale = state.lastSale { Task { await self.printReceipt(sale) } }
        default:
            break
        }
        publish()
        return open.entries.count
    }

    // MARK: - Views

    public func view() -> LaneView {
        LaneView(state: state, journalSeq: journalSeq, priced: lane.priced(state), receiptLinks: links(for: state.lastSale), devices: devices, demo: demo, storeName: storeName,
                 staffBadge: presentedBadge)
    }

    private func links(for sale: CompletedSale?) -> LaneView.ReceiptLinks? {
        guard let sale else { return nil }
        if let cached = receiptLinks, cached.saleID == sale.id { return cached.links }
        guard let code = try? journal.integrityCode(forSale: sale.id) else { return nil }
        let links = LaneView.ReceiptLinks(integrityCode: code, eReceiptURL: receipts.eReceiptLink(saleID: sale.id, integrityCode: code))
        receiptLinks = (sale.id, links)
        return links
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

    /// Device states for the page and maintenance ("usb", "simulated", "missing", "paper-out" ...).
    public func setDeviceStatus(scanner: String? = nil, printer: String? = nil) {
        var next = devices
        if let scanner { next.scanner = scanner }
        if let printer { next.printer = printer }
        guard next != devices else { return }
        devices = next
        publish()
    }

    /// Scan-to-cart latency (device transfer completed to new view published) over the last 10,000 scans.
    public func scanLatencySummary() -> LatencySummary { LatencySummary(scanLatencies.values) }

    /// The camera's device status (CameraStatusReporter): shown on the page when it is a problem.
    func setCameraStatus(_ status: String) {
        guard devices.camera != status else { return }
        devices.camera = status
        publish()
    }

    private func publish() {
        guard !watchers.isEmpty else { return }
        let current = view()
        for watcher in watchers.values { watcher.yield(current) }
    }
}

/// Runs `operation` but gives up after `limit`, returning nil (the operation is cancelled).
func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        return try await group.next() ?? nil
    }
}
