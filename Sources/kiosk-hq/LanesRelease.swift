import ArgumentParser
import HeadOffice

extension Lanes {
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull a quarantined lane again, once staff have looked at its evidence (kept in quarantine_evidence).",
            discussion: "Nothing is repaired: if the lane still shows what quarantined it, the next collect quarantines it again.")
        @OptionGroup var database: DatabaseOption
        @Argument(help: "The lane id.") var id: String

        func run() async throws {
            let reason = try await database.withCurrentSchema { db in try await CursorStore(db).release(id) }
            print("released \(id) (it was quarantined for \(reason))")
        }
    }
}
