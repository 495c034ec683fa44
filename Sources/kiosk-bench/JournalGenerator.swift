import Checkout
import Foundation
import Journal
import Retail

/// `kiosk-bench journal-generate ASSETS STATE-DIR EVENTS [SEED] [LANE-ID]`: a lane's state folder
/// (`journal.sqlite` and `lane-key.json`, lane L01 unless named) whose journal holds at least EVENTS events,
/// written by the real engine: `LaneEngine` over a signing `LaneJournal`, through sessions like a
/// busy lane's, on the demo store and catalog. The same seed gives the same journal (the lane key
/// is derived from it too). Every session is finished, so the lane starts idle.
///
/// The mix, per session: 2% cancelled by staff, 1% abandoned, the rest sold. A sale has 1 to ~40
/// item scans (about 8 on average; repeats, weighed items with their price, age-restricted items
/// approved by staff), a member card in 30%, an unknown code in 3%, the last scan undone in 5%, a
/// coupon in 5%, no paper receipt in 25%; it is paid by card (4% declined first) or, in 20%, by a
/// wallet code; then the receipt prints and the shopper leaves.
struct JournalGenerator {
    struct Figures {
        var sessions = 0, sales = 0, cancelled = 0, abandoned = 0, scans = 0, refused = 0
    }

    var engine: LaneEngine
    var random: SeededRandom
    var now: Timestamp = 1_767_225_600_000 // 2026-01-01T00:00:00Z
    let items: [CatalogItem]
    let currency: Currency
    var figures = Figures()
    var coupons = 0

    /// Makes STATE-DIR (0700) with the lane key derived from `seed` and an empty journal.
    init(assets: URL, stateDirectory: URL, seed: UInt64, laneID: String) throws {
        let profile = try JSONDecoder().decode(StoreProfile.self, from: Data(contentsOf: assets.appendingPathComponent("demo/store.json")))
        let catalog = try CatalogCSV(store: profile).read(Data(contentsOf: assets.appendingPathComponent("demo/catalog.csv")))
        items = catalog.items
        currency = profile.currency
        random = SeededRandom(state: seed)
        var key: [UInt8] = []
        for _ in 0..<4 { withUnsafeBytes(of: random.next().littleEndian) { key += $0 } }
        let identity = try LaneIdentity(laneID: laneID, privateKey: key)
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // The lane key file as `kiosk run` makes it (LaneIdentity.loadOrCreate), mode 0600.
        let keyFile = stateDirectory.appendingPathComponent(LaneIdentity.fileName)
        let text = JSONValue.object(["v": .int(1), "algorithm": "ed25519",
                                     "privateKey": .string(Data(key).base64EncodedString())]).text + "\n"
        guard FileManager.default.createFile(atPath: keyFile.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw GeneratorError("cannot write \(keyFile.path)")
        }
        let journal = try LaneJournal(path: stateDirectory.appendingPathComponent("journal.sqlite").path, identity: identity)
        engine = try LaneEngine(lane: Lane(config: LaneConfig(laneID: laneID, pricing: profile.pricingRules)), journal: journal)
        guard engine.lastSeq == 0 else { throw GeneratorError("\(stateDirectory.path) already has a journal") }
    }

    struct GeneratorError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    func money(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: currency) }

    /// Submits `event` a few seconds after the previous one; what the engine answered.
    @discardableResult
    mutating func submit(_ event: LaneEvent, after milliseconds: Int64? = nil) throws -> LaneEngine.Commit {
        now += milliseconds ?? Int64(1_500 + random.below(4_500))
        let commit = try engine.submit(event, at: now)
        if case .refused = commit { figures.refused += 1 }
        return commit
    }

    /// Staff approve whatever the lane waits for (an age check, a void, a cancellation).
    mutating func approveIfAsked() throws {
        if case .attendantNeeded = engine.state.phase { try submit(.staffApproved(staffID: "1001"), after: Int64(8_000 + random.below(20_000))) }
    }

    mutating func scanItem() throws {
        figures.scans += 1
        let item: CatalogItem
        if random.chance(30), let last = engine.state.lines.last?.item, last.pricing == .unit {
            item = last // the same item again: its line's quantity goes up
        } else {
            item = items[random.below(items.count)]
        }
        let embedded = item.pricing == .embeddedPrice ? money(Int64(100 + random.below(3_000))) : nil
        try submit(.itemScanned(item, embeddedPrice: embedded))
        try approveIfAsked()
    }

    /// One shopper, from the first scan until the lane is idle again.
    mutating func session() throws {
        figures.sessions += 1
        now += Int64(20_000 + random.below(120_000)) // the next shopper
        let outcome = random.below(100)
        if random.chance(30) {
            let body = "04" + random.digits(10)
            try submit(.memberCardScanned(body + Self.checkDigit(body)))
        }
        var scans = 1 + random.below(4) + random.below(4) + random.below(4) + random.below(4)
        if random.chance(10) { scans += 10 + random.below(20) }
        for n in 0..<scans {
            try scanItem()
            if n == scans / 2, random.chance(3) {
                let code = "69" + random.digits(11)
                try submit(.scanRejected(code: code, reason: "item \(code) is not in the catalog", unknownItem: true))
            }
        }
        if random.chance(5), let line = engine.state.lines.last {
            try submit(.removeLine(id: line.id))
            try approveIfAsked()
            if engine.state.lines.isEmpty { try scanItem() }
        }
        if outcome < 2 {
            try submit(.cancelRequested)
            try approveIfAsked()
            figures.cancelled += 1
            return try settle()
        }
        if outcome < 3 {
            try submit(.tick, after: 301_000)
            figures.abandoned += 1
            return try settle()
        }
        if random.chance(5) {
            coupons += 1
            let value: CouponValue = random.chance(50) ? .amountOff(money(500)) : .percentOff(10)
            try submit(.couponScanned(Coupon(id: "BENCH-\(coupons)", value: value, minimumSpend: money(2_000), validUntil: 4_000_000_000)))
        }
        if random.chance(25) { try submit(.paperReceipt(wanted: false)) }
        if random.chance(20) {
            let code = random.chance(70) ? "13" + random.digits(16) : "28" + random.digits(16)
            try submit(.walletCodeScanned(WalletCode(digits: code)!))
            try settlePayment(tender: code.hasPrefix("13") ? "wechat-pay" : "alipay")
        } else {
            if random.chance(4) {
                try submit(.payRequested)
                if case .paying(let attempt) = engine.state.phase {
                    try submit(.paymentFinished(attemptID: attempt.id, .declined(reason: "card declined")), after: Int64(3_000 + random.below(5_000)))
                }
            }
            try submit(.payRequested)
            try settlePayment(tender: "card")
        }
        try settle()
    }

    mutating func settlePayment(tender: String) throws {
        guard case .paying(let attempt) = engine.state.phase else { return }
        let reference = (tender == "card" ? "T-" : "W-") + random.digits(10)
        try submit(.paymentFinished(attemptID: attempt.id, .approved(reference: reference, tender: tender)),
                   after: Int64(2_000 + random.below(6_000)))
        switch engine.state.phase {
        case .paid, .receipt: figures.sales += 1
        default: throw GeneratorError("an approved payment made no sale at \(engine.lastSeq)")
        }
    }

    /// Receipt printed, the shopper leaves: until the lane is idle.
    mutating func settle() throws {
        for _ in 0..<10 {
            switch engine.state.phase {
            case .idle:
                return
            case .paid(let saleID):
                try submit(.receiptFinished(saleID: saleID, printed: true), after: Int64(3_000 + random.below(3_000)))
            case .receipt:
                try submit(.finish)
            case .attendantNeeded:
                try approveIfAsked()
            case .shopping, .paying:
                throw GeneratorError("session stuck in \(engine.state.phase) at \(engine.lastSeq)")
            }
        }
        throw GeneratorError("session does not end at \(engine.lastSeq)")
    }

    static func checkDigit(_ body: String) -> String {
        let sum = body.reversed().enumerated().reduce(0) { $0 + Int(String($1.element))! * ($1.offset % 2 == 0 ? 3 : 1) }
        return String((10 - sum % 10) % 10)
    }

    /// Writes sessions until the journal holds `events` events (the last session is finished).
    static func run(assets: URL, stateDirectory: URL, events: Int64, seed: UInt64, laneID: String = "L01") throws {
        let start = monotonicNanoseconds()
        var figures = Figures()
        var written: Int64 = 0
        do {
            var generator = try JournalGenerator(assets: assets, stateDirectory: stateDirectory, seed: seed, laneID: laneID)
            while generator.engine.lastSeq < events { try generator.session() }
            figures = generator.figures
            written = generator.engine.lastSeq
        } // the journal is closed here: its WAL is checkpointed into journal.sqlite
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        print("journal-generate: \(written) events, \(figures.sessions) sessions, \(figures.sales) sales, "
              + "\(figures.cancelled) cancelled, \(figures.abandoned) abandoned, \(figures.scans) item scans, "
              + "\(figures.refused) refused; "
              + String(format: "%.1f s, %.0f events/s; peak RSS %.1f MiB", seconds, Double(written) / seconds, peakRSSMiB()))
    }
}
