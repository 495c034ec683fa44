import Journal
import Payments

/// End-of-day reconciliation: each payment attempt the journal holds, against what its provider
/// says now (nexo TransactionStatus, the wallets' order query). Pure: the answers are gathered
/// by the caller (PaymentsReconcileCommand).
public enum PaymentReconciliation {
    /// One attempt on which the journal and the provider disagree, or the provider cannot say.
    public struct Difference: Equatable, Sendable {
        public let attemptID: String
        /// `provider-charged-journal-not`, `journal-paid-provider-not`, `reference-differs`,
        /// `still-open`, `provider-not-answering`.
        public let code: String
        public let journal: String
        public let provider: String
    }

    /// What the provider said about one attempt; `failure` when it could not be asked.
    public enum ProviderView: Equatable, Sendable {
        case answer(TerminalAnswer)
        case failure(String)
    }

    public static func differences(_ attempts: [JournaledAttempt], provider: [String: ProviderView]) -> [Difference] {
        attempts.compactMap { attempt in
            let view = provider[attempt.id] ?? .failure("not asked")
            let journal = attempt.state + (attempt.reference.map { " \($0)" } ?? "")
            func difference(_ code: String, _ said: String) -> Difference {
                Difference(attemptID: attempt.id, code: code, journal: journal, provider: said)
            }
            switch view {
            case .failure(let why): return difference("provider-not-answering", why)
            case .answer(.approved(let reference, _)):
                if attempt.state != "approved" { return difference("provider-charged-journal-not", "approved \(reference)") }
                return attempt.reference == reference ? nil : difference("reference-differs", "approved \(reference)")
            case .answer(.inProgress): return difference("still-open", "in progress")
            case .answer(.declined), .answer(.notFound):
                let said = view == .answer(.notFound) ? "not found" : "declined"
                return attempt.state == "approved" ? difference("journal-paid-provider-not", said) : nil
            }
        }
    }

    /// One line per difference, then a summary line.
    public static func text(_ differences: [Difference], attempts: Int, day: String) -> String {
        let lines = differences.map { "\($0.code)  \($0.attemptID)  journal: \($0.journal)  provider: \($0.provider)" }
        return (lines + ["\(day): \(attempts) payment attempts, \(differences.count) differences"]).joined(separator: "\n")
    }
}
