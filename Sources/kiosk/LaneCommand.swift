import ArgumentParser
import Foundation
import KioskApp

struct LaneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lane", abstract: "The lane's own identity.", subcommands: [Identity.self])

    struct Identity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the lane id, public key and fingerprint for enrolling the lane at head office (makes the key on first use).")

        @OptionGroup var state: StateOption

        @Option(help: "Settings file (JSON), for the lane id.")
        var config: String?

        func run() async throws {
            print(try LaneIdentityReport.render(stateDirectory: state.url, configFile: config.map { URL(fileURLWithPath: $0) }))
        }
    }
}
