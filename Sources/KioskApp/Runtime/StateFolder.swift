import Foundation

/// The state folder holds the journal, the lane's key, receipts and the payment ledger: it is
/// the kiosk user's alone. Folders are 0700 and files 0600 (a read-only file stays read-only).
enum StateFolder {
    typealias Failure = PrivateFolder.Failure

    /// Creates `folder` if needed and makes it and everything in it private, so that files an
    /// older install left open are tightened. Also sets the process's umask to 077: the journal's
    /// -wal and -shm, receipts, the ledger and the catalog store are then born private, whichever
    /// library creates them.
    static func makePrivate(_ folder: URL) throws(Failure) {
        umask(0o077)
        let path = folder.path
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw Failure(path: path, operation: "mkdir", errno: EACCES)
        }
        try tighten(path)
    }

    /// Folders to 0700 and files to at most 0600, depth first. Symbolic links are left alone
    /// (chmod would follow one out of the folder) and so are sockets and devices.
    private static func tighten(_ path: String) throws(Failure) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }  // removed meanwhile (an atomic write's temporary)
            throw Failure(path: path, operation: "lstat", errno: errno)
        }
        let mode = info.st_mode & S_IFMT
        if mode == S_IFDIR {
            if info.st_mode & 0o777 != 0o700, chmod(path, 0o700) != 0 { throw Failure(path: path, operation: "chmod", errno: errno) }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw Failure(path: path, operation: "list", errno: EACCES)
            }
            for name in names { try tighten(path + "/" + name) }
        } else if mode == S_IFREG, info.st_mode & 0o177 != 0 {
            guard chmod(path, info.st_mode & 0o600) == 0 else { throw Failure(path: path, operation: "chmod", errno: errno) }
        }
    }
}
