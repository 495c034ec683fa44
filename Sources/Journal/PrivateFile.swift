import Foundation

/// A secret kept in the state folder (the lane key, the receipt-link key): the folder is made
/// 0700, the file is created once with O_EXCL and mode 0600 from birth, and a file other users
/// can read is refused rather than used.
public enum PrivateFile {
    /// The file's bytes, or nil when there is none yet. `what` names it in errors ("lane key").
    public static func read(_ path: String, what: String) throws -> Data? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw PrivateFileError(what: what, path: path, problem: "cannot be read (errno \(errno))")
        }
        let mode = UInt16(info.st_mode & 0o777)
        guard mode & 0o077 == 0 else {
            throw PrivateFileError(what: what, path: path,
                                   problem: "is readable by other users (mode \(String(mode, radix: 8))): it must be 0600")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw PrivateFileError(what: what, path: path, problem: "cannot be read") }
        return data
    }

    /// The secret in `folder`/`name`, parsed; on first use the folder is made private and the file
    /// made from `make` (the value, and the bytes to write). If another process made it first, its
    /// file wins and is read.
    public static func loadOrCreate<Value>(_ name: String, in folder: URL, what: String, parse: (Data) throws -> Value,
                                           make: () throws -> (value: Value, bytes: [UInt8])) throws -> Value {
        try makePrivateFolder(folder, what: what)
        let path = folder.appendingPathComponent(name).path
        if let data = try read(path, what: what) { return try parse(data) }
        let made = try make()
        if try create(path, bytes: made.bytes, what: what) { return made.value }
        guard let data = try read(path, what: what) else { throw PrivateFileError(what: what, path: path, problem: "vanished") }
        return try parse(data)
    }

    /// Makes `folder` (if needed) and makes it private.
    public static func makePrivateFolder(_ folder: URL, what: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard chmod(folder.path, 0o700) == 0 else {
            throw PrivateFileError(what: what, path: folder.path, problem: "cannot make the state folder private (errno \(errno))")
        }
    }

    /// Writes `bytes` to a new file at `path`, synced. False when the file exists already: two
    /// kiosks starting at once never overwrite each other's secret; the caller reads the winner's.
    public static func create(_ path: String, bytes: [UInt8], what: String) throws -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw PrivateFileError(what: what, path: path, problem: "cannot be created (errno \(errno))")
        }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == bytes.count, synced == 0 else { throw PrivateFileError(what: what, path: path, problem: "cannot be written") }
        return true
    }

    /// 32 bytes from the system's cryptographically secure generator.
    public static func randomKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

/// A state-folder secret that cannot be used: "lane key /var/lib/kiosk/lane-key.json is readable by other users …".
public struct PrivateFileError: Error, CustomStringConvertible {
    public let what: String
    public let path: String
    public let problem: String

    public init(what: String, path: String, problem: String) {
        self.what = what
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(what) \(path) \(problem)" }
}
