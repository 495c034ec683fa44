import Foundation

/// What a terminal or gateway setting's text may be: 1 to `max` bytes of printable ASCII without
/// spaces (addresses, ids), so a pasted line break or a stray space is refused at start.
func isPlainSetting(_ text: String, max: Int) -> Bool {
    !text.isEmpty && text.utf8.count <= max && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
}

/// A secret (an API key, a passphrase) from the file the settings name: its text without the
/// final line break; nil when the file is missing, unreadable or empty. Never logged.
func readSecretFile(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
    let secret = text.trimmingCharacters(in: .newlines)
    return secret.isEmpty ? nil : secret
}
