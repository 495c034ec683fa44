import Foundation
import KioskTestSupport

/// A running systemd, reached with its own tools: this machine's (when systemd is its PID 1), or a
/// booted guest's, whose namespaces `nsenter` enters (its systemd, its files, its loopback).
struct ServiceManager: Sendable {
    /// What goes before a command to run it where this systemd runs: nothing here, nsenter for a guest.
    let entry: [String]
    /// Where the commands' output is collected on this machine.
    let folder: URL

    static func local(in folder: URL) -> ServiceManager { ServiceManager(entry: [], folder: folder) }

    /// The systemd whose PID 1 is `leader` (a PID as this machine sees it).
    static func guest(leader: Int32, in folder: URL) -> ServiceManager {
        ServiceManager(entry: ["nsenter", "--target", "\(leader)", "--all"], folder: folder)
    }

    /// Runs `tool` where this systemd runs: its status and output (standard error mixed in).
    func run(_ tool: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let command = entry + [tool] + arguments
        return try await KioskTestSupport.run(command[0], Array(command.dropFirst()), in: folder, mergingErrors: true)
    }

    func systemctl(_ arguments: String...) async throws -> (status: Int32, output: String) {
        try await run("systemctl", arguments)
    }

    func property(_ unit: String, _ name: String) async throws -> String {
        try await systemctl("show", "-p", name, "--value", unit).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The journal of `unit` (systemd's lines about it and its processes' output), without metadata.
    func journal(of unit: String) async throws -> String {
        try await run("journalctl", ["--no-pager", "-o", "cat", "-u", unit]).output
    }

    /// What the process `pid` of `unit` wrote to the journal.
    func output(of pid: String, in unit: String) async throws -> String {
        try await run("journalctl", ["--no-pager", "-o", "cat", "_SYSTEMD_UNIT=\(unit)", "_PID=\(pid)"]).output
    }
}
