import ArgumentParser
import Foundation
import KioskApp

struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "The lane's catalog store.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a catalog CSV as a new version (streamed; bad rows reported by line; switched atomically).")

        @Argument(help: "The CSV file, in the catalog format of the README.")
        var file: String

        @OptionGroup var state: StateOption

        @Option(help: "Settings file (for the store's currency, tax rates and scale layout).")
        var config: String?

        @Option(help: "The assets folder.")
        var assets: String?

        @Option(help: ArgumentHelp("Refuse the file when more than N rows are rejected: exit status 3, the current catalog stays.",
                                   valueName: "N"))
        var maxRejected: Int?

        func validate() throws {
            if let maxRejected, maxRejected < 0 { throw ValidationError("--max-rejected must be 0 or more") }
        }

        func run() async throws {
            do {
                // Progress (rows per second, rows rejected) only on a terminal: scripts get the summary alone.
                print(try CatalogCommands.importCSV(file: file, configFile: config.map { URL(fileURLWithPath: $0) },
                                                    assets: assets, stateDirectory: state.url, maxRejected: maxRejected,
                                                    progress: .onStandardError()))
            } catch let refused as CatalogImportRefused {
                FileHandle.standardError.write(Data("kiosk: \(refused)\n".utf8))
                throw ExitCode(3)
            }
        }
    }
}
