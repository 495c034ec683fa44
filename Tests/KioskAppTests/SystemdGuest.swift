import Foundation
import KioskTestSupport

/// A Debian 12 booted with systemd as PID 1 in a container (`systemd-nspawn --boot`), for tests that
/// need a real systemd where they run in a build container whose PID 1 is not systemd.
/// scripts/make-systemd-guest makes its root filesystem once; each boot lays a throwaway layer over
/// it (`--volatile=overlay`), so every test starts from the same clean machine and leaves it so.
enum SystemdGuest {
    static let rootFilesystem = URL(fileURLWithPath: ProcessInfo.processInfo.environment["KIOSK_SYSTEMD_GUEST"]
                                    ?? "/var/cache/kiosk-tests/debian12-systemd")

    /// Why no guest can boot here, or nil when one can.
    static let unavailable: String? = {
        if getuid() != 0 { return "needs root: systemd-nspawn boots the guest" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-nspawn") {
            return "systemd-nspawn is missing: scripts/setup installs Debian's systemd-container"
        }
        if !FileManager.default.fileExists(atPath: rootFilesystem.appendingPathComponent(".kiosk-guest-recipe").path) {
            return "no guest root filesystem at \(rootFilesystem.path): make it with scripts/make-systemd-guest (scripts/test does)"
        }
        return nil
    }()

    /// Boots the guest with `installed` (a tree made by `scripts/install --prefix`) over its /usr/local
    /// and /etc, and the Swift runtime `program` loads mounted read-only; runs `body` with the guest's
    /// systemd once it has started up; then powers the guest off, whatever `body` did.
    static func withBooted<T>(installed: URL, program: URL, in folder: URL,
                              _ body: (ServiceManager) async throws -> T) async throws -> T {
        let name = "kiosk-test-\(UUID().uuidString.prefix(8).lowercased())"
        var arguments = ["--quiet", "--boot", "--directory=\(rootFilesystem.path)", "--volatile=overlay",
                         "--machine=\(name)", "--private-network", "--console=pipe", "--register=no",
                         "--bind-ro=\(installed.path)/usr/local:/usr/local",
                         "--overlay-ro=+/etc:\(installed.path)/etc:/etc"]
        arguments += try await runtimeFolders(of: program, in: folder).map { "--bind-ro=\($0)" }
        // Without systemd on this machine there is nobody to make the guest a scope of its own: it
        // stays in the test's cgroup.
        if !FileManager.default.fileExists(atPath: "/run/systemd/system") { arguments.append("--keep-unit") }

        let console = folder.appendingPathComponent("\(name)-console.log")
        _ = FileManager.default.createFile(atPath: console.path, contents: nil)
        let output = try FileHandle(forWritingTo: console)
        defer { try? output.close() }
        let nspawn = Process()
        nspawn.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-nspawn")
        nspawn.arguments = arguments
        nspawn.standardOutput = output
        nspawn.standardError = output
        try nspawn.run()

        let outcome: Result<T, any Error>
        do {
            let systemd = try await startedUp(nspawn, in: folder, console: console)
            outcome = .success(try await body(systemd))
        } catch {
            outcome = .failure(error)
        }
        await powerOff(nspawn, name: name)
        return try outcome.get()
    }

    /// The guest's systemd once it says it has started up ("running", or "degraded" when a unit
    /// of the base system failed; the tests' own units are checked by the tests).
    private static func startedUp(_ nspawn: Process, in folder: URL, console: URL) async throws -> ServiceManager {
        func failure(_ what: String) -> ToolFailed {
            ToolFailed(description: "the guest \(what): systemd-nspawn \(nspawn.arguments?.joined(separator: " ") ?? "")\n"
                       + ((try? String(contentsOf: console, encoding: .utf8)) ?? ""))
        }
        // The guest's PID 1 is nspawn's child, and runs systemd once nspawn has set up the container.
        let leader = await poll(60, every: .milliseconds(100)) { () async -> Int32? in
            guard nspawn.isRunning,
                  let children = try? await run("pgrep", ["-P", "\(nspawn.processIdentifier)"], in: folder).output else { return nil }
            return children.split(separator: "\n").compactMap { Int32($0) }.first { pid in
                (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) == "systemd\n"
            }
        }
        guard let leader else { throw failure("did not start systemd") }
        let systemd = ServiceManager.guest(leader: leader, in: folder)
        // A hang guard, not a timing check: the guest starts up in seconds.
        let state = await poll(180, every: .milliseconds(200)) { () async -> String? in
            let state = try? await systemd.systemctl("is-system-running", "--wait").output
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return state == "running" || state == "degraded" ? state : nil
        }
        guard state != nil else { throw failure("did not start up") }
        return systemd
    }

    /// Asks the guest to halt (nspawn turns SIGTERM into a clean shutdown), kills it if it hangs,
    /// and removes the folder nspawn leaves in /run for the machine.
    private static func powerOff(_ nspawn: Process, name: String) async {
        nspawn.terminate()
        let halted = await eventually(60, every: .milliseconds(100)) { !nspawn.isRunning }
        if !halted {
            kill(nspawn.processIdentifier, SIGKILL)
            _ = await eventually(60, every: .milliseconds(100)) { !nspawn.isRunning }
        }
        rmdir("/run/systemd/nspawn/propagate/\(name)")
    }

    /// The folders of the Swift runtime `program` loads (its RUNPATH): a debug build links it
    /// dynamically from the toolchain, which the guest does not have.
    static func runtimeFolders(of program: URL, in folder: URL) async throws -> [String] {
        let dynamic = try await run("readelf", ["-d", program.path], in: folder).output
        guard let line = dynamic.split(separator: "\n").first(where: { $0.contains("(RUNPATH)") || $0.contains("(RPATH)") }),
              let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return [] }
        return line[line.index(after: open)..<close].split(separator: ":").map(String.init)
            .filter { $0.hasPrefix("/") && FileManager.default.fileExists(atPath: $0) }
    }
}
