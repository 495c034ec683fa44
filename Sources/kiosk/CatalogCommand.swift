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

        func run() async throws {
            print(try CatalogCommands.importCSV(file: file, configFile: config.map { URL(fileURLWithPath: $0) },
                                                assets: assets, stateDirectory: state.url))
        }
    }
}
