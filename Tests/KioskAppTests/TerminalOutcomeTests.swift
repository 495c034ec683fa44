import Foundation
@testable import KioskApp
import KioskTestSupport
import Payments
import Testing

/// A terminal that cannot be reached and one that does not answer in time are different
/// outcomes: the first never got the request (nothing charged, the shopper is told so), the
/// second may have charged (staff must look). Both reach the journal and the page as such.
@Suite(.serialized) struct TerminalOutcomeTests {

    @Test func unreachableIsNotChargedAndTimeoutIsUnknown() {
        let unreachable = LaneRuntime.outcome(nil, sendFailure: .unreachable("refused"), statusFailure: nil)
        guard case .declined(let reason) = unreachable else { Issue.record("\(unreachable)"); return }
        #expect(reason.contains("cannot be reached") && reason.contains("not been charged"))
        #expect(LaneRuntime.outcome(nil, sendFailure: nil, statusFailure: nil)
                == .unknown(reason: "No answer from the payment terminal in time."))
        #expect(LaneRuntime.outcome(.inProgress, sendFailure: .noAnswer("reset"), statusFailure: nil)
                == .unknown(reason: "No answer from the payment terminal in time."))
        #expect(LaneRuntime.outcome(nil, sendFailure: .noAnswer("reset"), statusFailure: .unreachable("refused"))
                == .unknown(reason: "The payment terminal cannot be reached to ask about this payment."))
        // An answer always wins over what went wrong before it.
        #expect(LaneRuntime.outcome(.approved(reference: "R", tender: "card"), sendFailure: .noAnswer("x"), statusFailure: nil)
                == .approved(reference: "R", tender: "card"))
    }

    /// The real kiosk: a terminal address where nothing listens, then a terminal that keeps the
    /// shopper "at the terminal" past the payment timeout.
    @Test func thePageAndTheJournalTellUnreachableFromNoAnswer() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rig = try await NexoSimulatorRig(folder: folder, faults: "delay-ms:120000", encrypted: false)
        // The unreachable case has a payment timeout far beyond the 3 s connect timeout, so which
        // comes first is never a race; the other needs a short one to end in time.
        for (address, expected) in [("https://127.0.0.1:1/nexo", "unreachable"), (rig.simulator.address, "no answer")] {
            let state = folder.appendingPathComponent("state-\(expected.count)")
            let kiosk = try await KioskProcess(stateDirectory: state, extraArguments: try rig.kioskArguments(
                paymentTimeoutSeconds: expected == "unreachable" ? 120 : 5, address: address, statusWaitSeconds: 0))
            let api = APIClient(base: kiosk.baseURL)
            let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
            #expect(try await api.scan(try #require(items.first { $0["hint"] == nil }?["code"] as? String)).status == 200)
            #expect(try await api.post("/api/pay").status == 200)
            let view = try #require(try await api.waitForState { ["shopping", "attendant"].contains($0["phase"] as? String ?? "") && $0["notice"] != nil || $0["phase"] as? String == "attendant" })
            if expected == "unreachable" {
                #expect(view["phase"] as? String == "shopping")
                let notice = view["notice"] as? [String: Any]
                #expect(notice?["kind"] as? String == "paymentDeclined")
                #expect(notice?["reason"] as? String == "terminal-unreachable", "\(view)")
            } else {
                #expect(view["phase"] as? String == "attendant", "\(view)")
            }
            #expect(await kiosk.stop() == 0)
            // The journal's files as they are on disk (the database and its write-ahead log).
            let journal = try ["journal.sqlite", "journal.sqlite-wal"].map { name in
                let file = state.appendingPathComponent(name)
                return FileManager.default.fileExists(atPath: file.path) ? String(decoding: try Data(contentsOf: file), as: UTF8.self) : ""
            }.joined()
            #expect(journal.contains(expected == "unreachable" ? "The payment terminal cannot be reached. You have not been charged."
                                                              : "No answer from the payment terminal in time."))
        }
    }
}
