import ArgumentParser
import HeadOffice

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per lane: the newest seq stored and the lane's, the lag in events and minutes, last contact, last error, quarantine.",
        discussion: "Exits 2 when a lane is quarantined.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var database: DatabaseOption
    @Option(help: "table or json.") var format = Format.table

    func run() async throws {
        let rows = try await database.withCurrentSchema { db in try await CursorStore(db).statusRows() }
        print(format == .json ? LaneStatusRow.json(rows) : LaneStatusRow.table(rows))
        if rows.contains(where: { $0.quarantine != nil }) { throw ExitCode(2) }
    }
}
