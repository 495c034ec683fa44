import ArgumentParser
import Foundation
import KioskApp

/// `kiosk staff hash-pin`: the `pinHash` of a PIN, for the settings' `staff` or head office's push.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Staff who approve at the lane.", subcommands: [HashPIN.self])

    struct HashPIN: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-pin",
            abstract: "Print the scrypt pinHash of a PIN read from standard input (one line).",
            discussion: "The PIN is read from standard input, never an argument: arguments are visible to every local user.")

        func run() async throws {
            guard let line = readLine(strippingNewline: true) else { throw ValidationError("no PIN on standard input") }
            do { print(try StaffMember.pinHash(of: line)) } catch { throw ValidationError("\(error)") }
        }
    }
}
