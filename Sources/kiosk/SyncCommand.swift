import ArgumentParser
import Foundation
import KioskApp

struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Head office's sync listener: its credentials.", subcommands: [Token.self])

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bearer tokens of head-office clients (the settings keep only their SHA-256).", subcommands: [Add.self, List.self])
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print it once; with --config, add its hash to the file's sync.tokens.")

        @Argument(help: "The client's name, for the log and the routes (1-64 of A-Z a-z 0-9 - _ .).")
        var name: String

        @Option(help: "Settings file with a \"sync\" setting; without it the entry to add is printed.")
        var config: String?

        func validate() throws {
            guard SyncTokenCommands.isValidName(name) else { throw ValidationError("NAME must be 1 to 64 of A-Z a-z 0-9 - _ .") }
        }

        func run() async throws {
            let added = try reportingSetupErrors { try SyncTokenCommands.add(name: name, configFile: config.map { URL(fileURLWithPath: $0) }) }
            print(added.token.text)
            if let config {
                FileHandle.standardError.write(Data("added token \"\(name)\" to \(config); it is shown only this once\n".utf8))
            } else {
                print(added.entryJSON)
                FileHandle.standardError.write(Data("add the entry to sync.tokens; the token is shown only this once\n".utf8))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the names of the file's sync tokens.")

        @Option(help: "Settings file.")
        var config: String

        func run() async throws {
            for name in try reportingSetupErrors({ try SyncTokenCommands.list(configFile: URL(fileURLWithPath: config)) }) { print(name) }
        }
    }
}

/// A settings problem, not a usage mistake: say what is wrong, without the usage text.
private func reportingSetupErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as KioskSetupError {
        FileHandle.standardError.write(Data("kiosk: \(error)\n".utf8))
        throw ExitCode(1)
    }
}
