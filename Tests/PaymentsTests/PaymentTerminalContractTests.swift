import Foundation
import KioskTestSupport
import Payments
import Retail
import Testing

/// What every `PaymentTerminal` adapter must do, whatever its protocol, each run against its own
/// simulator as a separate process; what was charged is read from the simulator's ledger, never
/// from the adapter: the same attempt id is the same payment, a timeout is followed by the status,
/// a lost answer is found by the status, a restart of the provider (or of the kiosk: a fresh
/// adapter) loses nothing and invents nothing, and a staff reversal leaves nothing charged.
@Suite(.serialized) struct PaymentTerminalContractTests {
    enum Provider: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case nexo, wechatPay, alipay
        var testDescription: String { rawValue }
    }

    /// One adapter and its simulator.
    final class Rig: @unchecked Sendable {
        let provider: Provider
        let folder: URL
        let simulator: TerminalSimulatorProcess
        private let rig: AnyObject

        /// `slow`: the payment stays open for a while (the shopper at the terminal or confirming
        /// on the phone); `faults`: the simulators' common ones (drop-after-charge, crash-after-charge).
        init(_ provider: Provider, faults: String = "", slow: Bool = false) async throws {
            self.provider = provider
            folder = try temporaryDirectory()
            switch provider {
            case .nexo:
                let rig = try await NexoSimulatorRig(folder: folder, faults: slow ? "delay-ms:3000" : faults)
                (self.rig, simulator) = (rig, rig.simulator)
            case .wechatPay:
                let rig = try await WeChatPaySimulatorRig(folder: folder, faults: slow ? "userpaying:4" : faults)
                (self.rig, simulator) = (rig, rig.simulator)
            case .alipay:
                let rig = try await AlipaySimulatorRig(folder: folder, faults: slow ? "userpaying:4" : faults)
                (self.rig, simulator) = (rig, rig.simulator)
            }
        }

        /// A new adapter from the kiosk's settings text, as a restarted kiosk makes it.
        func adapter() throws -> any PaymentTerminal {
            switch rig {
            case let rig as NexoSimulatorRig:
                return try NexoTerminal(settings: decode(rig.nexoSettings(statusWaitSeconds: 30)))
            case let rig as WeChatPaySimulatorRig:
                var settings: WeChatPaySettings = try decode(rig.settings())
                settings.userPayingSeconds = 10
                return try WeChatPayGateway(settings: settings, pollInterval: .milliseconds(200))
            case let rig as AlipaySimulatorRig:
                var settings: AlipaySettings = try decode(rig.settings())
                settings.userPayingSeconds = 10
                return try AlipayGateway(settings: settings, pollInterval: .milliseconds(200))
            default: fatalError("no such rig")
            }
        }

        func request(_ attemptID: String, _ minorUnits: Int64) -> PaymentRequest {
            switch provider {
            case .nexo: PaymentRequest(attemptID: attemptID, amount: yuan(minorUnits))
            case .wechatPay: PaymentRequest(attemptID: attemptID, amount: yuan(minorUnits), wallet: WalletCode(digits: "134567890123456789"))
            case .alipay: PaymentRequest(attemptID: attemptID, amount: yuan(minorUnits), wallet: WalletCode(digits: "2800123456789012"))
            }
        }

        /// Charges standing in the simulator's own ledger, by attempt id (order number).
        func charges() throws -> [String: Int] {
            switch rig {
            case let rig as NexoSimulatorRig:
                return try rig.simulator.payments().filter { $0["approved"] as? Bool == true && $0["reversed"] as? Bool != true }
                    .reduce(into: [:]) { $0[$1["TransactionID"] as! String, default: 0] += 1 }
            case let rig as WeChatPaySimulatorRig: return try rig.charges()
            case let rig as AlipaySimulatorRig: return try rig.charges()
            default: return [:]
            }
        }

        private func decode<T: Decodable>(_ json: String) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(json.utf8))
        }

        deinit {
            simulator.kill9()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    /// Asked twice for the same attempt (a retry, or a kiosk that restarted), the provider charges
    /// once; the second answer is that approval or an error, never a decline or a second charge.
    @Test(arguments: Provider.allCases)
    func theSameAttemptIsTheSamePayment(provider: Provider) async throws {
        let rig = try await Rig(provider)
        let first = try await rig.adapter().authorize(rig.request("C1_P1", 1_250))
        guard case .approved = first else { Issue.record("not approved: \(first)"); return }
        if let again = try? await rig.adapter().authorize(rig.request("C1_P1", 1_250)) { #expect(again == first) }
        #expect(try await rig.adapter().status(of: "C1_P1") == first)
        #expect(try rig.charges() == ["C1_P1": 1])
    }

    /// The caller's deadline passed while the payment was open: the status of the attempt (from a
    /// fresh adapter) says it is open or not there yet, then gives the one approval.
    @Test(arguments: Provider.allCases)
    func theStatusAfterATimeoutGivesTheOutcome(provider: Provider) async throws {
        let rig = try await Rig(provider, slow: true)
        let adapter = try rig.adapter()
        let payment = Task { try await adapter.authorize(rig.request("C2_P1", 800)) }
        var seen: [TerminalAnswer] = []
        let outcome = await poll(120, every: .milliseconds(300)) { () -> TerminalAnswer? in
            guard let answer = try? await rig.adapter().status(of: "C2_P1") else { return nil }
            seen.append(answer)
            if case .approved = answer { return answer }
            return nil
        }
        #expect(seen.allSatisfy { [.inProgress, .notFound].contains($0) || $0 == outcome }, "\(seen)")
        #expect(try await value(of: payment) == outcome)
        #expect(try rig.charges() == ["C2_P1": 1])
    }

    /// The provider charged and its answer was lost: no answer (not unreachable), and the status
    /// finds the one charge.
    @Test(arguments: Provider.allCases)
    func aLostAnswerIsFoundByTheStatus(provider: Provider) async throws {
        let rig = try await Rig(provider, faults: "drop-after-charge:1")
        let adapter = try rig.adapter()
        await #expect {
            try await adapter.authorize(rig.request("C3_P1", 2_000))
        } throws: { error in
            if case TerminalError.noAnswer = error { return true } else { return false }
        }
        guard case .approved = try await adapter.status(of: "C3_P1") else { Issue.record("status did not find the charge"); return }
        #expect(try rig.charges() == ["C3_P1": 1])
    }

    /// The provider crashed right after charging and came back: a fresh adapter (a restarted
    /// kiosk) learns the approval from the restarted provider's ledger, and an attempt it never
    /// saw is not found.
    @Test(arguments: Provider.allCases)
    func aRestartedProviderKnowsItsCharges(provider: Provider) async throws {
        let rig = try await Rig(provider, faults: "crash-after-charge")
        await #expect(throws: TerminalError.self) { try await rig.adapter().authorize(rig.request("C4_P1", 3_000)) }
        rig.simulator.kill9()
        try await rig.simulator.start()
        guard case .approved = try await rig.adapter().status(of: "C4_P1") else { Issue.record("charge not found"); return }
        #expect(try await rig.adapter().status(of: "C4_never") == .notFound)
        #expect(try rig.charges() == ["C4_P1": 1])
    }

    /// Staff's reversal gives back what the provider approved, and nothing stays charged; an
    /// attempt the provider never saw had nothing to give back.
    @Test(arguments: Provider.allCases)
    func aReversalLeavesNothingCharged(provider: Provider) async throws {
        let rig = try await Rig(provider)
        guard case .approved = try await rig.adapter().authorize(rig.request("C6_P1", 1_000)) else { Issue.record("not approved"); return }
        #expect(try await rig.adapter().reverse("C6_P1") == .reversed)
        #expect(try await rig.adapter().reverse("C6_never") == .nothingCharged)
        #expect(try rig.charges().isEmpty)
    }

    /// Nothing listens: unreachable (the request never left), a different outcome from a lost
    /// answer, and nothing charged.
    @Test(arguments: Provider.allCases)
    func aProviderThatIsNotThereIsUnreachable(provider: Provider) async throws {
        let rig = try await Rig(provider)
        rig.simulator.kill9()
        await #expect {
            try await rig.adapter().authorize(rig.request("C5_P1", 1_000))
        } throws: { error in
            if case TerminalError.unreachable = error { return true } else { return false }
        }
        #expect(try rig.charges().isEmpty)
    }
}
