import Foundation
import KioskTestSupport
import Testing

/// The crash harness: one lane sells to shopper after shopper through the nexo adapter and the
/// terminal simulator (both separate processes) while faults hit every step: SIGKILL the kiosk
/// while shopping, at the terminal or on the receipt; SIGKILL the terminal mid-payment; lose the
/// terminal's answer after it charged. Then the simulator's ledger is compared with the journal:
/// every charge exactly one sale of its amount, every sale exactly one charge, no attempt charged
/// twice, the chain intact. When a fault lands (how far into the payment) varies from run to run;
/// what is asserted does not depend on it.
///
/// The suite runs a short round (KIOSK_CRASH_FAULTS, 6 by default); `scripts/crash` runs 200+ and
/// writes the report (KIOSK_CRASH_REPORT) with faults per kind, recovery times and staff calls.
@Suite(.serialized) struct CrashHarnessTests {
    static let environment = ProcessInfo.processInfo.environment
    static let faults = Int(environment["KIOSK_CRASH_FAULTS"] ?? "") ?? 6
    static let seed = UInt64(environment["KIOSK_CRASH_SEED"] ?? "") ?? 13
    /// How long the simulated shopper takes at the terminal: the payment window faults aim at.
    static let approvalMilliseconds = 800

    enum Fault: String, CaseIterable {
        case killKioskShopping = "kill kiosk while shopping"
        case killKioskPaying = "kill kiosk at the terminal"
        case killTerminalPaying = "kill terminal mid-payment"
        case dropAnswer = "answer lost after the charge"
        case killKioskReceipt = "kill kiosk on the receipt"
    }

    @Test func faultsAtEveryStepLoseNoSaleAndDoubleNoCharge() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let delay = "delay-ms:\(Self.approvalMilliseconds)"
        let rig = try await NexoSimulatorRig(folder: folder, faults: delay)
        let simulator = rig.simulator
        let arguments = try rig.kioskArguments()
        func startKiosk() async throws -> KioskProcess {
            try await KioskProcess(stateDirectory: state, extraArguments: arguments)
        }
        var kiosk = try await startKiosk()
        var api = APIClient(base: kiosk.baseURL)
        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        // Plain items at whole prices: no age check or weighing stops the shopper.
        let codes = items.filter { $0["hint"] == nil }.compactMap { $0["code"] as? String }
        #expect(!codes.isEmpty)

        var random = SplitMix64(seed: Self.seed)
        var injected: [Fault: Int] = [:]
        var recoveries: [Double] = []
        var staffCalls: [String] = []
        func settled(_ phases: Set<String>) async throws -> String {
            let view = try await api.waitForState(timeout: 300) { phases.contains($0["phase"] as? String ?? "") || $0["phase"] as? String == "attendant" }
            return view?["phase"] as? String ?? "no state"
        }
        func pause() async throws { try await Task.sleep(for: .milliseconds(Int(random.next() % UInt64(Self.approvalMilliseconds + 400)))) }

        shoppers: for _ in 0..<Self.faults {
            let fault = Fault.allCases[Int(random.next() % UInt64(Fault.allCases.count))]
            injected[fault, default: 0] += 1
            for _ in 0...(random.next() % 3) { #expect(try await api.scan(codes[Int(random.next() % UInt64(codes.count))]).status == 200) }
            if fault == .killKioskShopping {
                kiosk.kill9()
                let start = ContinuousClock.now
                kiosk = try await startKiosk()
                api = APIClient(base: kiosk.baseURL)
                _ = try await settled(["shopping"])
                recoveries.append(seconds(since: start))
            }
            if fault == .dropAnswer {
                simulator.kill9()
                try await simulator.start(faults: "\(delay),drop-after-charge:1")
            }
            #expect(try await api.post("/api/pay").status == 200)
            var start = ContinuousClock.now
            switch fault {
            case .killKioskPaying:
                try await pause()
                kiosk.kill9()
                start = ContinuousClock.now
                kiosk = try await startKiosk()
                api = APIClient(base: kiosk.baseURL)
            case .killTerminalPaying:
                try await pause()
                simulator.kill9()
                start = ContinuousClock.now
                try await simulator.start(faults: delay)
            default: break
            }
            var phase = try await settled(["receipt", "shopping"])
            if [.killKioskPaying, .killTerminalPaying, .dropAnswer].contains(fault) { recoveries.append(seconds(since: start)) }
            if phase == "shopping" {
                // The terminal never charged it: the shopper pays again.
                #expect(try await api.post("/api/pay").status == 200)
                phase = try await settled(["receipt"])
            }
            if phase == "attendant" {
                staffCalls.append(fault.rawValue)
                break shoppers
            }
            if fault == .killKioskReceipt {
                kiosk.kill9()
                start = ContinuousClock.now
                kiosk = try await startKiosk()
                api = APIClient(base: kiosk.baseURL)
                phase = try await settled(["receipt", "idle"])
                recoveries.append(seconds(since: start))
            }
            if phase == "receipt" { #expect(try await api.post("/api/finish").status == 200) }
        }
        #expect(await kiosk.stop() == 0)

        let check = try LedgerJournalCheck(journalPath: state.appendingPathComponent("journal.sqlite").path, ledger: try simulator.payments())
        let report = Self.report(injected: injected, recoveries: recoveries, staffCalls: staffCalls, check: check)
        print(report)
        if let path = Self.environment["KIOSK_CRASH_REPORT"] { try Data(report.utf8).write(to: URL(fileURLWithPath: path)) }
        #expect(check.problems == [])
        #expect(staffCalls == [])
        #expect(check.sales == check.charges && check.sales > 0)
    }

    func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func report(injected: [Fault: Int], recoveries: [Double], staffCalls: [String], check: LedgerJournalCheck) -> String {
        let sorted = recoveries.sorted()
        func quantile(_ q: Double) -> String {
            sorted.isEmpty ? "-" : String(format: "%.2f s", sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded()))])
        }
        var lines = ["crash harness: \(injected.values.reduce(0, +)) faults, seed \(seed)"]
        for fault in Fault.allCases { lines.append("  \(fault.rawValue): \(injected[fault] ?? 0)") }
        lines.append("recovery (fault to settled payment or restored lane): median \(quantile(0.5)), p95 \(quantile(0.95)), max \(quantile(1))")
        lines.append("staff needed: \(staffCalls.count)\(staffCalls.isEmpty ? "" : " (" + staffCalls.joined(separator: ", ") + ")")")
        lines.append("ledger charges \(check.charges), journal sales \(check.sales), problems \(check.problems.count)")
        lines += check.problems.map { "  PROBLEM: \($0)" }
        return lines.joined(separator: "\n")
    }
}
