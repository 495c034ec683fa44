import Foundation

/// The repository's root folder (this file is Tests/KioskTestSupport/Files.swift), for the assets,
/// device profiles and scripts that tests read or run in place.
public let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A new, empty folder under the system's temporary directory, named `prefix-UUID` so that
/// parallel tests never share one and a folder left behind says which tests made it (by default
/// the calling test target, e.g. `journaltests-…`). The caller removes it, usually with
/// `defer { try? FileManager.default.removeItem(at: dir) }`, or uses `withTemporaryDirectory`.
public func temporaryDirectory(_ prefix: String? = nil, fileID: String = #fileID) throws -> URL {
    let name = prefix ?? String(fileID.prefix { $0 != "/" }).lowercased()
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` with a new temporary folder (see `temporaryDirectory`) and removes the folder
/// afterwards, whether `body` returns or throws.
public func withTemporaryDirectory<T>(_ prefix: String? = nil, fileID: String = #fileID,
                                      _ body: (URL) throws -> T) throws -> T {
    let url = try temporaryDirectory(prefix, fileID: fileID)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// The async form of `withTemporaryDirectory`.
public func withTemporaryDirectory<T>(_ prefix: String? = nil, fileID: String = #fileID,
                                      _ body: (URL) async throws -> T) async throws -> T {
    let url = try temporaryDirectory(prefix, fileID: fileID)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}
