import Foundation

/// A folder of the state folder whose files are the kiosk user's alone (0600 in a 0700 folder),
/// each replaced whole: the new version is written beside it and synced, then renamed over it.
struct PrivateFolder: Sendable {
    let directory: URL

    /// A new version of a file, written and synced under a temporary name: `commit` puts it in
    /// place, `discard` removes it.
    struct Pending {
        let temporary: String
        let path: String
        let directory: String

        func commit() throws {
            guard rename(temporary, path) == 0 else { throw Failure(path: path, operation: "rename", errno: errno) }
            try PrivateFolder.sync(directory)
        }

        func discard() { unlink(temporary) }
    }

    struct Failure: Error, CustomStringConvertible {
        let path: String
        let operation: String
        let errno: Int32
        var description: String { "\(path): \(operation): \(String(cString: strerror(errno)))" }
    }

    /// Stores `bytes` as `name` at once (see `prepare`).
    func store(_ bytes: [UInt8], as name: String) throws {
        let pending = try prepare(bytes, as: name)
        do { try pending.commit() } catch { pending.discard(); throw error }
    }

    func prepare(_ bytes: [UInt8], as name: String) throws -> Pending {
        let folder = directory.path
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw Failure(path: folder, operation: "mkdir", errno: errno) }
        guard chmod(folder, 0o700) == 0 else { throw Failure(path: folder, operation: "chmod", errno: errno) }
        let path = directory.appendingPathComponent(name).path
        let temporary = path + ".new"
        // O_TRUNC: a file left by a write that died halfway is simply overwritten.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: temporary, operation: "open", errno: errno) }
        var failure: Failure?
        if fchmod(fd, 0o600) != 0 { failure = Failure(path: temporary, operation: "fchmod", errno: errno) }
        var offset = 0
        while failure == nil, offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno != EINTR { failure = Failure(path: temporary, operation: "write", errno: errno) }
            } else {
                offset += written
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = Failure(path: temporary, operation: "fsync", errno: errno) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw failure
        }
        return Pending(temporary: temporary, path: path, directory: folder)
    }

    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(path: path, operation: "fsync", errno: errno) }
    }
}
