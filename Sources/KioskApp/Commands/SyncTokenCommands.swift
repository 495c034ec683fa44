import Foundation
import Sync

/// `kiosk sync token add|list`: head office's bearer tokens. The token is shown once, when made;
/// the settings keep only its SHA-256.
public enum SyncTokenCommands {
    public struct Added: Sendable {
        public let token: SyncToken
        public let entry: SyncSettings.Credential

        /// The entry for `sync.tokens`, as one line of JSON.
        public var entryJSON: String { #"{"name": "\#(entry.name)", "sha256": "\#(entry.sha256)"}"# }
    }

    /// Whether `name` can name a token (1-64 of A-Z a-z 0-9 - _ .): names go into logs.
    public static func isValidName(_ name: String) -> Bool { SyncSettings.isValidName(name) }

    /// Makes a new token named `name`. With `configFile`, its entry is added to that file's
    /// `sync.tokens`.
    ///
    /// The file must already have a `sync` setting: adding one would open a network listener, and
    /// where it listens and with which TLS files is the operator's choice, not this command's. The
    /// file is rewritten pretty-printed with sorted keys (settings and values unchanged), through a
    /// new file renamed over the old one, and only if the result is valid settings.
    public static func add(name: String, configFile: URL?) throws -> Added {
        guard SyncSettings.isValidName(name) else {
            throw SyncSettingsError("a sync token's name must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        let token = SyncToken.generate()
        let added = Added(token: token, entry: .init(name: name, sha256: token.sha256Hex))
        if let configFile { try addEntry(added.entry, to: configFile) }
        return added
    }

    /// The names of the tokens in `configFile`'s `sync.tokens`.
    public static func list(configFile: URL) throws -> [String] {
        try KioskConfig.load(configFile).sync?.tokens.map(\.name) ?? []
    }

    static func addEntry(_ entry: SyncSettings.Credential, to configFile: URL) throws {
        let file = configFile.resolvingSymlinksInPath()
        let path = configFile.path
        guard let data = FileManager.default.contents(atPath: file.path) else { throw KioskSetupError.config(path, "cannot be read") }
        guard var fields = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw KioskSetupError.config(path, "is not a JSON object")
        }
        guard var sync = fields["sync"] as? [String: Any] else {
            throw KioskSetupError.config(path, #"has no "sync" setting: add "sync": {"listen": "HOST:PORT", "tls": {...}} first"#)
        }
        var tokens = sync["tokens"] as? [Any] ?? []
        let names = (tokens + (sync["clientCertificates"] as? [Any] ?? [])).compactMap { ($0 as? [String: Any])?["name"] as? String }
        guard !names.contains(entry.name) else {
            throw KioskSetupError.config(path, "already has a sync credential named \"\(entry.name)\"")
        }
        tokens.append(["name": entry.name, "sha256": entry.sha256])
        sync["tokens"] = tokens
        fields["sync"] = sync
        var updated = try JSONSerialization.data(withJSONObject: fields, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        updated.append(UInt8(ascii: "\n"))
        // Never write settings the kiosk would refuse to start with.
        _ = try KioskConfig.parse(updated, source: path)
        try replaceAtomically(file, with: updated)
    }

    /// Writes a new file beside `file` (same permissions), flushes it, and renames it over `file`:
    /// a crash leaves the old settings or the new ones, never half of either.
    static func replaceAtomically(_ file: URL, with data: Data) throws {
        let permissions = (try? FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions]) as? Int ?? 0o600
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: permissions]) else {
            throw KioskSetupError.config(file.path, "cannot be written (its folder is not writable?)")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, file.path) == 0 else {
            throw KioskSetupError.config(file.path, "cannot be replaced: \(String(cString: strerror(errno)))")
        }
    }
}
