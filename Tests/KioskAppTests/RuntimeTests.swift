import Checkout
import Devices
import Foundation
import Journal
import KioskTestSupport
import Logging
import Payments
import Peripherals
import Retail
import Testing
@testable import KioskApp

/// The shell in-process, with the real journal, the simulated terminal and printer on a temp dir.
struct TestLane {
    let directory: URL
    let runtime: LaneRuntime
    let terminal: SimulatedTerminal
    let printer: SimulatedPrinter
    let journal: LaneJournal
    let setup: StoreSetup

    /// `paymentTimeout` is generous by default: a loaded CI machine must not turn an approval into a timeout.
    /// `adjust` may change the demo store profile (layout, tax mode, coupon keys) and `extraItems`
    /// join its catalog; the lane's interpreter is the profile's, as `kiosk run` builds it, and
    /// what head office pushed into `directory` replaces the profile's keys, `staff` and the catalog.
    init(directory: URL? = nil, rules: SimulatedTerminalRules = .init(approvalDelayMilliseconds: 0, declineWhenCentsAre: [], noAnswerWhenCentsAre: []),
         paymentTimeout: Duration = .seconds(30), adjust: (inout StoreProfile) -> Void = { _ in },
         extraItems: [CatalogItem] = [], staff: [StaffMember] = [.demoSupervisor], demo: Bool = true,
         staffModeTimeout: Int64 = 3_600_000, paymentTerminal: (any PaymentTerminal)? = nil,
         catalogNames: CatalogNames = .none) throws {
        let directory = try directory ?? temporaryDirectory()
        self.directory = directory
        let assets = repositoryRoot.appendingPathComponent("assets")
        let demoStore = try StoreSetup.load(store: assets.appendingPathComponent("demo/store.json"),
                                            catalog: assets.appendingPathComponent("demo/catalog.csv"))
        var profile = demoStore.profile
        adjust(&profile)
        setup = StoreSetup(profile: profile, catalog: Catalog(items: demoStore.catalog.items + extraItems), rejectedRows: [])
        // Signed, as `kiosk run` opens it: the start-up check and the signed heads are exercised too.
        journal = try LaneJournal(path: directory.appendingPathComponent("journal.sqlite").path,
                                  identity: try LaneIdentity.loadOrCreate(stateDirectory: directory, laneID: "T1"))
        terminal = try SimulatedTerminal(rules: rules, ledger: directory.appendingPathComponent("terminal.json"))
        printer = try SimulatedPrinter(folder: directory.appendingPathComponent("receipts"))
        runtime = try LaneRuntime(
            lane: Checkout.Lane(config: LaneConfig(laneID: "T1", pricing: setup.profile.pricingRules)),
            journal: journal, stateDirectory: directory, profile: setup.profile, catalog: setup.catalog, staff: staff,
            demoCouponKey: try CouponSigner.demo(assets: assets).publicKey,
            terminal: paymentTerminal ?? terminal, printer: printer, scanner: .simulated, terminalState: .simulated, receipts: ReceiptComposer(store: setup.profile, profile: .generic80mm, logo: nil,
                                                                                     eReceiptBase: "https://r.example/r/",
                                                                                     linkKey: ReceiptLinkKey(bytes: Array(repeating: 7, count: 32))),
            paymentTimeout: paymentTimeout, demo: demo, logger: Logger(label: "test"),
            // An hour: a maintenance session never times out under a test on a loaded machine (StaffMode's own test times it).
            staffModeTimeout: staffModeTimeout, catalogNames: catalogNames)
        // What `kiosk run` runs as a service: payments and printing.
        Task { [runtime] in await runtime.effects.run() }
    }

    func code(_ predicate: (CatalogItem) -> Bool) throws -> String {
        guard let item = setup.catalog.items.first(where: predicate) else { throw TestLaneError.noSuchItem }
        return item.gtin.displayForm
    }

    func waitFor(_ condition: @escaping @Sendable (LaneState) -> Bool) async throws -> LaneState {
        // A hang guard for a loaded machine, not a timing check.
        if let state = await poll(180, every: .milliseconds(20), { () async -> LaneState? in
            let state = await runtime.state
            return condition(state) ? state : nil
        }) { return state }
        Issue.record("lane never reached the expected state: \(await runtime.state.phase)")
        return await runtime.state
    }
}

enum TestLaneError: Error { case noSuchItem }

extension Result where Success == Void {
    var succeeded: Bool { if case .success = self { true } else { false } }
}

@Suite struct RuntimeTests {
    func plainItem(_ item: CatalogItem) -> Bool {
        item.pricing == .unit && item.minimumAge == nil && item.multiBuy == nil
    }

    @Test func scansAreInterpretedLookedUpAndJournaled() async throws {
        let lane = try TestLane()
        let item = try lane.code(plainItem)
        #expect(await lane.runtime.scan(ScannedCode(data: item, source: "test")) == .accepted)
        #expect(await lane.runtime.scan(ScannedCode(data: "]E0" + item, source: "test")) == .accepted)
        #expect(await lane.runtime.state.lines.map(\.quantity) == [2])

        let unknown = await lane.runtime.scan(ScannedCode(data: GTIN.appendingCheckDigit("699999999999"), source: "test"))
        guard case .refused("unknown-item", _) = unknown else { Issue.record("expected unknown-item, got \(unknown)"); return }
        let broken = await lane.runtime.scan(ScannedCode(data: "690123456789\u{1B}[2J", source: "test"))
        guard case .refused("unreadable-code", _) = broken else { Issue.record("expected unreadable-code, got \(broken)"); return }
        #expect(await lane.runtime.state.notice == .unreadableCode(code: "690123456789[2J", reason: "not a product code: only digits are read as items"))

        // Journaled before it was acknowledged: 2 scans + 2 rejections.
        #expect(try lane.journal.entries().map(\.kind) == ["item-scanned", "item-scanned", "scan-rejected", "scan-rejected"])
    }

    @Test func aWeighedItemNeedsItsEmbeddedPrice() async throws {
        let lane = try TestLane()
        let weighed = try #require(lane.setup.catalog.items.first { $0.pricing == .embeddedPrice })
        // Scanned by its catalog key (price digits zero) it has no price: refused, never sold for nothing.
        let key = weighed.gtin.displayForm
        #expect(await lane.runtime.scan(ScannedCode(data: key, source: "test")) == .refused(code: "unreadable-code", message: "the scale label shows no price"))
        // With a price from the scale it sells at that price.
        let labelled = GTIN.appendingCheckDigit(String(key.prefix(7)) + "01234")
        #expect(await lane.runtime.scan(ScannedCode(data: labelled, source: "test")) == .accepted)
        let lines = await lane.runtime.state.lines
        #expect(lines.count == 1)
        #expect(lines.first?.embeddedPrice?.minorUnits == 1234)
        #expect(lines.first?.item == weighed)
    }

    @Test func aSaleIsPaidOnceRecordedAndPrinted() async throws {
        let lane = try TestLane()
        _ = await lane.runtime.scan(ScannedCode(data: try lane.code(plainItem), source: "test"))
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let state = try await lane.waitFor { if case .receipt = $0.phase { true } else { false } }
        let sale = try #require(state.lastSale)
        #expect(await lane.terminal.charges == 1)
        #expect(try lane.journal.sale(id: sale.id) == sale)
        let text = try String(contentsOf: lane.directory.appendingPathComponent("receipts/\(sale.id).txt"), encoding: .utf8)
        #expect(text.contains(sale.priced.total.description))
        #expect(text.contains(try #require(try lane.journal.integrityCode(forSale: sale.id))))
    }

    @Test func aTerminalThatNeverAnswersIsAskedNotRepeated() async throws {
        // A terminal that never answers this total, as if the request never reached it.
        let probe = try TestLane()
        let item = try #require(probe.setup.catalog.items.first { plainItem($0) })
        let lane = try TestLane(rules: .init(approvalDelayMilliseconds: 0, declineWhenCentsAre: [],
                                             noAnswerWhenCentsAre: [Int(item.price.minorUnits % 100)]),
                                paymentTimeout: .milliseconds(300))
        _ = await lane.runtime.scan(ScannedCode(data: item.gtin.displayForm, source: "test"))
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        let state = try await lane.waitFor { $0.phase == .shopping }
        guard case .paymentDeclined? = state.notice else { Issue.record("expected a declined notice, got \(String(describing: state.notice))"); return }
        #expect(await lane.terminal.charges == 0)
        #expect(try lane.journal.unresolvedPaymentAttempts().isEmpty)
    }

    /// A terminal whose payment call never returns and does not notice cancellation (a socket
    /// stuck below the HTTP client); asked about the payment afterwards, it never got it.
    final class HangingTerminal: PaymentTerminal, @unchecked Sendable {
        let name = "hanging"
        private let lock = NSLock()
        private var parked: [CheckedContinuation<TerminalAnswer, Never>] = []
        func authorize(_ request: PaymentRequest) async throws -> TerminalAnswer {
            await withCheckedContinuation { continuation in lock.withLock { parked.append(continuation) } }
        }
        func status(of attemptID: String) async throws -> TerminalAnswer { .notFound }
        func release() { lock.withLock { parked.forEach { $0.resume(returning: .notFound) }; parked = [] } }
    }

    @Test func aTerminalThatHangsPastCancellationDoesNotHoldTheLanePastItsTimeout() async throws {
        let hanging = HangingTerminal()
        defer { hanging.release() }
        let lane = try TestLane(paymentTimeout: .milliseconds(300), paymentTerminal: hanging)
        _ = await lane.runtime.scan(ScannedCode(data: try lane.code(plainItem), source: "test"))
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        // Given up at the timeout without waiting for the call; asked, the terminal never got it.
        let state = try await lane.waitFor { $0.phase == .shopping }
        guard case .paymentDeclined? = state.notice else { Issue.record("expected a declined notice, got \(String(describing: state.notice))"); return }
        #expect(try lane.journal.unresolvedPaymentAttempts().isEmpty)
    }

    @Test func aPaymentTakenWhileTheKioskWasDownCompletesTheSaleOnRestart() async throws {
        let first = try TestLane()
        _ = await first.runtime.scan(ScannedCode(data: try first.code(plainItem), source: "test"))
        let session = try #require(await first.runtime.state.sessionID)
        // The lane journals the attempt; then the kiosk "dies" before the answer arrives, while
        // the terminal takes the money (same ledger, answered directly).
        let attempt = PaymentAttempt(id: "\(session)-P1", amount: first.runtime.lane.priced(await first.runtime.state).total)
        var engine = try LaneEngine(lane: first.runtime.lane, journal: first.journal)
        guard case .committed(let transition, _) = try engine.submit(.payRequested, at: engine.lastAt + 1) else {
            Issue.record("pay not committed")
            return
        }
        #expect(transition.effects == [.requestPayment(attempt)])
        _ = try await first.terminal.authorize(PaymentRequest(attemptID: attempt.id, amount: attempt.amount))
        #expect(await first.terminal.charges == 1)

        let second = try TestLane(directory: first.directory)
        #expect(await second.runtime.resume() == 2)
        let done = try await second.waitFor { if case .receipt = $0.phase { true } else { false } }
        #expect(done.lastSale?.attempt == attempt)
        #expect(await second.terminal.charges == 1) // asked, not charged again
        #expect(try second.journal.unresolvedPaymentAttempts().isEmpty)
    }
}
