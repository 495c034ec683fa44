import Checkout
import Foundation
import GRDB
import KioskTestSupport
@testable import Journal
import Peripherals
import Retail
import Testing
@testable import KioskApp

/// Every code the kiosk sends across a boundary has a text in every language of the page.
@Suite struct TranslationCoverageTests {
    static var l10n: URL { repositoryRoot.appendingPathComponent("assets/l10n") }

    static func languages() throws -> [(name: String, strings: [String: String])] {
        try FileManager.default.contentsOfDirectory(atPath: l10n.path).filter { $0.hasSuffix(".json") }.sorted().map { file in
            let data = try Data(contentsOf: l10n.appendingPathComponent(file))
            return (file, try JSONDecoder().decode([String: String].self, from: data))
        }
    }

    @Test func everyCodeHasATextInEveryLanguage() throws {
        let languages = try Self.languages()
        #expect(languages.map(\.name) == ["en.json", "zh-Hans.json"])
        let keys = RefusalCode.allCases.map { "error.\($0.rawValue)" } + APIErrorCode.allCases.map { "error.\($0.rawValue)" }
            + DeviceState.allCases.map { "deviceStatus.\($0.rawValue)" }
            + OutOfService.reasons.map { "outOfService.reason.\($0)" }
            + DeclineCode.allCases.map { "decline.\($0.rawValue)" }
            + CouponPendingReason.Code.allCases.map { "coupon.pending.\($0.rawValue)" }
            + CodeView.couponOffers.map { "coupon.offer.\($0)" }
            + ReceiptWords.keys + ["lang.name", "promotion.coupon", "result.restarting"]
            + LaneMetrics.ScanKind.allCases.map { "scanKind.\($0.rawValue)" }
            + LaneMetrics.PaymentResult.allCases.map { "result.\($0.rawValue)" }
            + Self.notices.map { "notice.\(LaneView.notice($0).kind)" }
        for (name, strings) in languages {
            for key in keys {
                #expect(!(strings[key] ?? "").isEmpty, "\(name) has no text for \(key)")
            }
        }
    }

    /// One of each notice the lane gives (`Notice` has values, so it cannot list its cases).
    static let notices: [Notice] = [.itemNotFound(code: "1"), .unreadableCode(code: "1", reason: "r"), .paymentDeclined(reason: "r"),
                                    .ageApproved(lineID: 1), .lineRemoved(lineID: 1), .memberRecognised("m"), .receiptNotPrinted,
                                    .couponAdded(id: "c")]

    @Test func everyLanguageHasEveryKeyOfEveryOther() throws {
        let languages = try Self.languages()
        let all = Set(languages.flatMap(\.strings.keys))
        for (name, strings) in languages {
            #expect(all.subtracting(strings.keys).sorted() == [], "\(name) lacks these keys")
        }
    }
}

/// The runtime commits through the engine, restores from the journal, and its effects are a
/// structured service that tests await instead of polling.
@Suite struct ShellRuntimeTests {
    func plainItem(_ item: CatalogItem) -> Bool { item.pricing == .unit && item.minimumAge == nil }

    @Test func effectsAreAwaitedNotPolled() async throws {
        let lane = try TestLane()
        #expect(await lane.runtime.scan(ScannedCode(data: try lane.code(plainItem), source: "test")) == .accepted)
        #expect(await lane.runtime.submit(.payRequested).succeeded)
        // Payment, then the receipt (queued by the payment's answer): drained twice covers both.
        await lane.runtime.effects.drained()
        await lane.runtime.effects.drained()
        guard case .receipt(let saleID, printed: true) = await lane.runtime.state.phase else {
            Issue.record("not on the thank-you screen: \(await lane.runtime.state.phase)")
            return
        }
        #expect(try lane.journal.rows("SELECT state FROM receipt WHERE sale_id = ?", [saleID]) == ["printed"])
    }

    @Test func aJournalThatCannotBeRestoredTakesTheLaneOutOfService() async throws {
        let first = try TestLane()
        #expect(await first.runtime.scan(ScannedCode(data: try first.code(plainItem), source: "test")) == .accepted)
        // The journal says the cart came to something else than this kiosk's replay gives.
        try first.journal.execute("UPDATE event SET after = '{\"items\":1,\"lines\":1,\"phase\":\"shopping\",\"total\":1}'")

        let second = try TestLane(directory: first.directory)
        #expect(await second.runtime.outOfService == OutOfService(reason: "restore-failed", seq: 1))
        #expect(await second.runtime.view().phase == "out-of-service")
        #expect(await second.runtime.view().outOfService == OutOfService(reason: "restore-failed", seq: 1))
        #expect(await second.runtime.state == LaneState(), "no cart the journal does not hold")
        guard case .failure(let refusal) = await second.runtime.submit(.payRequested) else {
            Issue.record("an out-of-service lane took an event")
            return
        }
        #expect(refusal.code == .outOfService)
        let scan = await second.runtime.scan(ScannedCode(data: try second.code(plainItem), source: "test"))
        #expect(scan == .refused(code: "out-of-service", message: refusal.message))
        #expect(try second.journal.entries().count == 1, "nothing was journaled")
    }

    @Test func anEditedJournalTakesTheLaneOutOfServiceWithTheEntry() async throws {
        let first = try TestLane()
        for _ in 0..<3 {
            #expect(await first.runtime.scan(ScannedCode(data: try first.code(plainItem), source: "test")) == .accepted)
        }
        // Someone makes the second scan cheaper, straight in the file.
        try first.journal.execute("UPDATE event SET payload = replace(payload, '\"minorUnits\":', '\"minorUnits\":1') WHERE seq = 2")

        let second = try TestLane(directory: first.directory)
        #expect(await second.runtime.outOfService == OutOfService(reason: "chain-broken", seq: 2))
        #expect(await second.runtime.view().phase == "out-of-service")
        #expect(await second.runtime.state == LaneState(), "no cart from a journal that fails its check")
        await #expect(throws: OutOfServiceError.self) { try await second.runtime.record(.receiptReprinted(saleID: "x")) }
        #expect(try second.journal.entries().count == 3, "nothing was journaled")
    }

    @Test func aMissedReceiptPrintsAfterARestartOnce() async throws {
        let first = try TestLane()
        await first.printer.setStatus(.paperOut)
        #expect(await first.runtime.scan(ScannedCode(data: try first.code(plainItem), source: "test")) == .accepted)
        #expect(await first.runtime.submit(.payRequested).succeeded)
        await first.runtime.effects.drained()
        await first.runtime.effects.drained()
        let sale = try #require(await first.runtime.state.lastSale)
        #expect(await first.runtime.state.phase == .receipt(saleID: sale.id, printed: false))
        #expect(try first.journal.missedReceipts().map(\.id) == [sale.id])

        // The kiosk restarts with paper loaded: the journal, not memory, knows the receipt is owed.
        let second = try TestLane(directory: first.directory)
        let receipt = second.directory.appendingPathComponent("receipts/\(sale.id).txt")
        #expect(!FileManager.default.fileExists(atPath: receipt.path))
        await second.runtime.reprintMissedReceipts()
        #expect(FileManager.default.fileExists(atPath: receipt.path))
        #expect(try second.journal.missedReceipts().isEmpty)
        try FileManager.default.removeItem(at: receipt)
        await second.runtime.reprintMissedReceipts()
        #expect(!FileManager.default.fileExists(atPath: receipt.path), "printed once, not again")
    }

    /// `kiosk explain` and the lane route a code through the same router: what explain says the
    /// lane does is what the lane journals.
    @Test func explainAndTheLaneRouteAlike() async throws {
        let lane = try TestLane()
        let codes = [try lane.code(plainItem), "]E0" + (try lane.code(plainItem)), "4006381333932", "12345",
                     GTIN.appendingCheckDigit("699999999999"), "0412345678903"]
        let interpreter = try lane.setup.profile.scanInterpreter()
        for code in codes {
            let explained = ScanExplanation(code, interpreter: interpreter, catalog: lane.setup.catalog)
            let before = try lane.journal.entries().count
            _ = await lane.runtime.scan(ScannedCode(data: code, source: "test"))
            let kind = try lane.journal.entries().dropFirst(before).first?.kind
            #expect(explained.route.hasPrefix("event " + (kind ?? "?")), "\(code): explain says \(explained.route), lane journaled \(kind ?? "nothing")")
        }
    }
}

@Suite struct EffectRunnerTests {
    /// Shutdown cancels what is still running (a payment waiting on a terminal), and the runner
    /// counts it finished only when it has ended.
    @Test func shutdownCancelsRunningEffects() async {
        let runner = EffectRunner()
        let service = Task { await runner.run() }
        let (started, didStart) = AsyncStream.makeStream(of: Void.self)
        let (ended, didEnd) = AsyncStream.makeStream(of: Bool.self)
        runner.add {
            didStart.yield()
            try? await Task.sleep(for: .seconds(60)) // a hang guard: cancellation ends it at once
            didEnd.yield(Task.isCancelled)
        }
        for await _ in started { break }
        service.cancel()
        await runner.drained()
        var cancelled: Bool?
        for await value in ended { cancelled = value; break }
        #expect(cancelled == true)
        await service.value
    }

    @Test func drainedWaitsForEveryJobAddedSoFar() async {
        let runner = EffectRunner()
        let service = Task { await runner.run() }
        defer { service.cancel() }
        let done = Counter()
        for _ in 0..<20 { runner.add { await done.increment() } }
        await runner.drained()
        #expect(await done.value == 20)
    }

    actor Counter {
        var value = 0
        func increment() { value += 1 }
    }
}

extension LaneJournal {
    func execute(_ sql: String) throws { try pool.write { try $0.execute(sql: sql) } }

    func rows(_ sql: String, _ arguments: StatementArguments) throws -> [String] {
        try pool.read { try String.fetchAll($0, sql: sql, arguments: arguments) }
    }
}
