import Foundation
import KioskTestSupport
import Payments
import Retail
import Testing

/// The nexo adapter against the terminal simulator, a separate process on loopback speaking
/// HTTPS with a certificate from a test CA. What was charged is read from the simulator's own
/// ledger, never from the adapter's view. What every adapter must do (lost answers, restarts, the
/// same attempt twice) is in PaymentTerminalContractTests.
@Suite(.serialized) struct NexoTerminalTests {
    final class Rig: @unchecked Sendable {
        let folder: URL
        let terminalRig: NexoSimulatorRig
        var simulator: TerminalSimulatorProcess { terminalRig.simulator }
        var pki: TestPKI { terminalRig.pki }

        /// `encrypted`: Adyen's local encryption on both sides (the passphrase in a file).
        init(faults: String = "", encrypted: Bool = true) async throws {
            folder = try temporaryDirectory()
            terminalRig = try await NexoSimulatorRig(folder: folder, faults: faults, encrypted: encrypted)
        }

        func terminal(statusWaitSeconds: Int = 0, keyVersion: Int = NexoSimulatorRig.keyVersion) throws -> NexoTerminal {
            var settings = NexoTerminalSettings(address: simulator.address, poiID: NexoSimulatorRig.poiID, saleID: "L01",
                                                caFile: pki.certificate("ca"))
            settings.statusWaitSeconds = statusWaitSeconds
            if terminalRig.encrypted {
                settings.encryption = NexoEncryptionSettings(keyIdentifier: NexoSimulatorRig.keyIdentifier, keyVersion: keyVersion,
                                                             passphraseFile: terminalRig.passphrase.path)
            } else {
                settings.unencryptedTestTerminal = true
            }
            return try NexoTerminal(settings: settings)
        }

        /// Approved charges in the simulator's ledger, by the kiosk's attempt id.
        func charges() throws -> [String: Int] {
            try simulator.payments().filter { $0["approved"] as? Bool == true }
                .reduce(into: [:]) { $0[$1["TransactionID"] as! String, default: 0] += 1 }
        }

        deinit {
            simulator.kill9()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func paysOnceAndTheStatusRepeatsTheApproval() async throws {
        let rig = try await Rig()
        let terminal = try rig.terminal()
        #expect(terminal.name == "nexo V400m-000000001")
        let answer = try await terminal.authorize(request("N1-P1", 1_099))
        guard case .approved(let reference, "card") = answer else { Issue.record("not approved: \(answer)"); return }
        #expect(reference.hasPrefix("SIMNEXO"))
        #expect(try await terminal.status(of: "N1-P1") == answer)
        #expect(try rig.charges() == ["N1-P1": 1])
        let ledger = try #require(try rig.simulator.payments().first)
        #expect(ledger["Amount"] as? String == "10.99" && ledger["Currency"] as? String == "CNY")
    }

    /// A test terminal with encryption off speaks plain JSON, the same protocol.
    @Test func aTestTerminalWithoutEncryptionPays() async throws {
        let rig = try await Rig(encrypted: false)
        guard case .approved = try await rig.terminal().authorize(request("N0-P1", 500)) else { Issue.record("not approved"); return }
        #expect(try rig.charges() == ["N0-P1": 1])
    }

    /// A request sealed under a key the terminal does not have is refused, and charges nothing.
    @Test func aWrongKeyChargesNothing() async throws {
        let rig = try await Rig()
        await #expect(throws: (any Error).self) { try await rig.terminal(keyVersion: NexoSimulatorRig.keyVersion + 1).authorize(request("NK-P1", 500)) }
        #expect(try rig.simulator.payments().isEmpty)
    }

    @Test func aDeclinedCardChargesNothing() async throws {
        let rig = try await Rig()
        guard case .declined(let reason) = try await rig.terminal().authorize(request("N2-P1", 513)) else {
            Issue.record("not declined"); return
        }
        #expect(reason.contains("Refusal"))
        #expect(try rig.charges().isEmpty)
    }

    /// "In progress" is asked again until the terminal knows.
    @Test func inProgressIsAskedAgain() async throws {
        let rig = try await Rig(faults: "status-in-progress:2")
        let terminal = try rig.terminal(statusWaitSeconds: 60)
        _ = try await terminal.authorize(request("N6-P1", 1_000))
        guard case .approved = try await terminal.status(of: "N6-P1") else { Issue.record("not approved"); return }
        #expect(try await rig.terminal(statusWaitSeconds: 0).status(of: "N6-P1") != .inProgress)
    }

    @Test func anAbortBeforeApprovalEndsThePaymentUncharged() async throws {
        let rig = try await Rig(faults: "delay-ms:3000")
        let terminal = try rig.terminal()
        let payment = Task { try await terminal.authorize(request("N7-P1", 1_000)) }
        #expect(await eventually(30) { (try? await rig.terminal().status(of: "N7-P1")) == .inProgress })
        try await rig.terminal().abort("N7-P1")
        guard case .declined(let reason) = try await value(of: payment) else { Issue.record("not aborted"); return }
        #expect(reason.contains("Aborted"))
        #expect(try rig.charges().isEmpty)
    }

    /// A terminal whose certificate the kiosk does not trust gets nothing.
    @Test func anUntrustedTerminalCertificateIsRefused() async throws {
        let rig = try await Rig()
        var settings = NexoTerminalSettings(address: rig.simulator.address, poiID: "V400m-000000001", saleID: "L01",
                                            caFile: rig.pki.certificate("selfsigned"))
        settings.unencryptedTestTerminal = true
        await #expect(throws: TerminalError.self) { try await NexoTerminal(settings: settings).authorize(request("N9-P1", 1_000)) }
        #expect(try rig.simulator.payments().isEmpty)
    }

    @Test func settingsAreChecked() {
        var settings = NexoTerminalSettings(address: "https://10.0.0.5:8443/nexo", poiID: "V400m-324688179", saleID: "L01")
        // Encryption is off only for a declared test terminal.
        #expect(settings.problem()?.hasPrefix("nexoTerminal.encryption") == true)
        settings.encryption = NexoEncryptionSettings(keyIdentifier: "k", keyVersion: 1, passphraseFile: "/etc/kiosk/nexo-passphrase")
        #expect(settings.problem() == nil)
        settings.unencryptedTestTerminal = true
        #expect(settings.problem()?.hasPrefix("nexoTerminal.encryption") == true)
        settings.unencryptedTestTerminal = false
        settings.address = "http://10.0.0.5:8443/nexo"
        #expect(settings.problem()?.hasPrefix("nexoTerminal.address") == true)
        settings.address = "https://10.0.0.5:8443/nexo"
        settings.poiID = "has space"
        #expect(settings.problem()?.hasPrefix("nexoTerminal.poiID") == true)
        settings.poiID = "V400m-1"
        settings.caFile = "relative.pem"
        #expect(settings.problem()?.hasPrefix("nexoTerminal.caFile") == true)
    }
}
