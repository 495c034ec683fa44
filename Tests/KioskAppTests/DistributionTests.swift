import Foundation
import KioskTestSupport
import Testing
@testable import KioskApp

/// What a store installs: scripts/install's tree, the systemd units and udev rules in dist/, the
/// man page, completions and `kiosk --version`.
@Suite struct DistributionTests {
    static let script = repositoryRoot.appendingPathComponent("scripts/install")

    // Programs run through `run` (Network.swift), which waits without holding a thread of the
    // concurrency pool: the in-process lanes of other suites need those few threads.

    /// `scripts/install --prefix ROOT` with the kiosk under test: its output.
    static func install(into root: URL) async throws -> String {
        let result = try await run(script.path, ["--prefix", root.path, "--binary", KioskProcess.binary.path], in: root, mergingErrors: true)
        #expect(result.status == 0, "\(result.output)")
        return result.output
    }

    static func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func installPutsEveryFileInItsDebianPlaceAndKeepsAStoresSettings() async throws {
        try await withTemporaryDirectory("kiosk-install") { root in
            let output = try await Self.install(into: root)
            #expect(output.contains("kiosk \(KioskVersion.current) installed"), "\(output)")
            let expected: [(String, Int)] = [
                ("usr/local/bin/kiosk", 0o755),
                ("usr/local/share/kiosk/assets/web/index.html", 0o644),
                ("usr/local/share/kiosk/assets/l10n/zh-Hans.json", 0o644),
                ("usr/local/share/kiosk/devices/printers/generic-80mm.json", 0o644),
                ("usr/local/share/kiosk/devices/scanners/honeywell-voyager-1400g.json", 0o644),
                ("usr/local/share/man/man1/kiosk.1", 0o644),
                ("usr/local/share/bash-completion/completions/kiosk", 0o644),
                ("usr/local/share/zsh/site-functions/_kiosk", 0o644),
                ("usr/local/share/fish/vendor_completions.d/kiosk.fish", 0o644),
                ("etc/systemd/system/kiosk.service", 0o644),
                ("etc/systemd/system/kiosk-screen.service", 0o644),
                ("etc/udev/rules.d/70-kiosk.rules", 0o644),
                ("etc/kiosk/kiosk.json", 0o644),
            ]
            for (path, mode) in expected {
                let file = root.appendingPathComponent(path).path
                #expect(FileManager.default.fileExists(atPath: file), "\(path) missing")
                let actual = try Self.mode(file)
                #expect(actual == mode, "\(path): mode \(String(actual, radix: 8))")
            }
            #expect(try Self.mode(root.appendingPathComponent("usr/local/share/kiosk/assets/web").path) == 0o755)
            // The completions are the parser's, for every command.
            let bash = try String(contentsOf: root.appendingPathComponent("usr/local/share/bash-completion/completions/kiosk"), encoding: .utf8)
            #expect(bash.contains("complete") && bash.contains("max-rejected") && bash.contains("state-dir"))
            // The udev rules are the profiles' (`kiosk devices udev-rules`): every profiled USB model, group plugdev.
            let rules = try String(contentsOf: root.appendingPathComponent("etc/udev/rules.d/70-kiosk.rules"), encoding: .utf8)
            for id in ["04b8", "0e28", "0c2e", "0b81", "05e0", "1200"] { #expect(rules.contains("\"\(id)\""), "\(id) not in the udev rules") }
            #expect(rules.contains("GROUP=\"plugdev\""))
            // The installed program finds its installed assets and profiles (PREFIX/share/kiosk), from anywhere.
            let explain = try await run("env", ["-u", "KIOSK_ASSETS", root.appendingPathComponent("usr/local/bin/kiosk").path,
                                                "explain", "6901234567892"], in: root, mergingErrors: true)
            #expect(explain.status == 0, "\(explain.output)")
            #expect(explain.output.lowercased().contains("gtin"), "\(explain.output)")

            // Installing again (an upgrade) keeps the store's settings and drops what upstream removed.
            let settings = root.appendingPathComponent("etc/kiosk/kiosk.json")
            try Data("{\"laneID\": \"L07\"}".utf8).write(to: settings)
            let stale = root.appendingPathComponent("usr/local/share/kiosk/assets/web/removed-upstream.js")
            try Data().write(to: stale)
            #expect(try await Self.install(into: root).contains("kept the existing"))
            #expect(try String(contentsOf: settings, encoding: .utf8) == "{\"laneID\": \"L07\"}")
            #expect(!FileManager.default.fileExists(atPath: stale.path))
        }
    }

    @Test func theExampleSettingsAreValidSettings() throws {
        let config = try KioskConfig.load(repositoryRoot.appendingPathComponent("dist/kiosk.json"))
        #expect(config.store?.hasPrefix("/etc/kiosk/") == true && config.catalog?.hasPrefix("/etc/kiosk/") == true, "not the demo store")
    }

    /// systemd-analyze verify works without systemd as PID 1. It checks that each ExecStart= program
    /// exists on this machine, so the installed kiosk.service is checked with its program path pointed
    /// at the installed copy in the temporary root (cage is a Debian package scripts/setup installs).
    @Test func theUnitFilesPassSystemdAnalyzeVerify() async throws {
        try await withTemporaryDirectory("kiosk-units") { root in
            _ = try await Self.install(into: root)
            let units = root.appendingPathComponent("units")
            try FileManager.default.createDirectory(at: units, withIntermediateDirectories: true)
            for name in ["kiosk.service", "kiosk-screen.service"] {
                let unit = try String(contentsOf: root.appendingPathComponent("etc/systemd/system/\(name)"), encoding: .utf8)
                let here = unit.replacingOccurrences(of: "/usr/local/bin/kiosk", with: root.appendingPathComponent("usr/local/bin/kiosk").path)
                try Data(here.utf8).write(to: units.appendingPathComponent(name))
            }
            let verify = try await run("systemd-analyze", ["verify", "--man=no", units.appendingPathComponent("kiosk.service").path,
                                                           units.appendingPathComponent("kiosk-screen.service").path],
                                       in: root, mergingErrors: true)
            #expect(verify.status == 0 && verify.output.isEmpty, "\(verify.output)")
            // systemd's own exposure score for the lane's unit (0 best, 10 worst): 1.9 today; over 2.5
            // means a hardening line was lost.
            let security = try await run("systemd-analyze", ["security", "--offline=true", "--threshold=25",
                                                             units.appendingPathComponent("kiosk.service").path],
                                         in: root, mergingErrors: true)
            #expect(security.status == 0, "\(security.output)")
        }
    }

    /// The check is real: a unit with a mistake fails it.
    @Test func systemdAnalyzeVerifyRefusesABrokenUnit() async throws {
        try await withTemporaryDirectory("kiosk-units") { folder in
            let unit = try String(contentsOf: repositoryRoot.appendingPathComponent("dist/systemd/kiosk.service"), encoding: .utf8)
                .replacingOccurrences(of: "/usr/local/bin/kiosk", with: KioskProcess.binary.path)
                .replacingOccurrences(of: "Restart=always", with: "Restart=sometimes")
            let file = folder.appendingPathComponent("kiosk.service")
            try Data(unit.utf8).write(to: file)
            let verify = try await run("systemd-analyze", ["verify", "--man=no", file.path], in: folder, mergingErrors: true)
            #expect(verify.output.contains("restart specifier"), "\(verify.output)")
        }
    }

    @Test func theServiceUnitIsANotifyServiceWithAWatchdogItsOwnUserAndTheDeviceGroups() throws {
        let unit = try String(contentsOf: repositoryRoot.appendingPathComponent("dist/systemd/kiosk.service"), encoding: .utf8)
        let lines = Set(unit.split(separator: "\n").map(String.init))
        for line in ["Type=notify", "Restart=always", "DynamicUser=yes", "StateDirectory=kiosk", "SupplementaryGroups=plugdev video",
                     "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                     "DeviceAllow=char-usb_device rw", "DeviceAllow=char-video4linux rw"] {
            #expect(lines.contains(line), "\(line) missing")
        }
        #expect(lines.contains { $0.hasPrefix("WatchdogSec=") })
        // The screen waits for the lane to be ready (After= a notify service waits for READY=1).
        let screen = try String(contentsOf: repositoryRoot.appendingPathComponent("dist/systemd/kiosk-screen.service"), encoding: .utf8)
        #expect(screen.contains("Requires=kiosk.service") && screen.contains("After=kiosk.service") && screen.contains("/usr/bin/cage"))
    }

    @Test func versionPrintsTheKiosksVersion() async throws {
        try await withTemporaryDirectory("kiosk-version") { folder in
            let result = try await run(KioskProcess.binary.path, ["--version"], in: folder)
            #expect(result.status == 0)
            #expect(result.output == "\(KioskVersion.current)\n")
        }
    }

    /// docs/man/kiosk.1 is what scripts/make-man makes of this very program: regenerate it with
    /// `scripts/make-man "$KIOSK_BINARY" > docs/man/kiosk.1` when an option or a help text changes.
    @Test func theManPageIsUpToDateWithTheProgram() async throws {
        let made = try await withTemporaryDirectory("kiosk-man") { folder in
            try await run(repositoryRoot.appendingPathComponent("scripts/make-man").path, [KioskProcess.binary.path], in: folder)
        }
        #expect(made.status == 0)
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/man/kiosk.1"), encoding: .utf8)
        #expect(made.output == committed, "docs/man/kiosk.1 is stale: run scripts/make-man \"$KIOSK_BINARY\" > docs/man/kiosk.1")
        for command in ["kiosk run", "kiosk catalog import", "kiosk journal verify", "max\\-rejected"] {
            #expect(committed.contains(command), "\(command) not in the man page")
        }
    }
}
