import Foundation

/// Runs a command-line tool to its end without blocking a thread of the cooperative pool (the
/// server under test answers on that pool too): the exit status and standard output; standard
/// error is mixed in when `mergingErrors`.
public func run(_ tool: String, _ arguments: [String], in folder: URL, mergingErrors: Bool = false) async throws -> (status: Int32, output: String) {
    let outputFile = folder.appendingPathComponent("output-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: outputFile) }
    let output = try FileHandle(forWritingTo: outputFile)
    defer { try? output.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    process.currentDirectoryURL = folder
    process.standardOutput = output
    process.standardError = mergingErrors ? output : FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    return (status, String(decoding: try Data(contentsOf: outputFile), as: UTF8.self))
}

public struct ToolFailed: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}

/// A test PKI made by the openssl command line: a CA; a server certificate for 127.0.0.1 and
/// localhost; two client certificates from the same CA (one to list, one not); and a self-signed
/// client certificate. Each is `NAME.pem` with its key `NAME.key` in `folder`.
public struct TestPKI: Sendable {
    public let folder: URL

    public func certificate(_ name: String) -> String { folder.appendingPathComponent("\(name).pem").path }
    public func key(_ name: String) -> String { folder.appendingPathComponent("\(name).key").path }

    public static func make(in folder: URL) async throws -> TestPKI {
        let config = """
            [req]
            distinguished_name = dn
            prompt = no
            [dn]
            CN = unused
            [ca]
            basicConstraints = critical,CA:TRUE
            keyUsage = critical,keyCertSign,cRLSign
            [server]
            basicConstraints = CA:FALSE
            subjectAltName = IP:127.0.0.1,DNS:localhost
            extendedKeyUsage = serverAuth
            [client]
            basicConstraints = CA:FALSE
            extendedKeyUsage = clientAuth

            """
        try Data(config.utf8).write(to: folder.appendingPathComponent("openssl.cnf"))
        let newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        func openssl(_ arguments: [String]) async throws {
            let result = try await run("openssl", arguments, in: folder, mergingErrors: true)
            guard result.status == 0 else { throw ToolFailed(description: "openssl \(arguments.joined(separator: " ")):\n\(result.output)") }
        }
        try await openssl(["req", "-x509", "-config", "openssl.cnf", "-extensions", "ca"] + newKey
            + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Kiosk Test CA"])
        for (name, extensions, serial) in [("server", "server", "2"), ("listed", "client", "3"), ("unlisted", "client", "4")] {
            try await openssl(["req", "-new", "-config", "openssl.cnf"] + newKey
                + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try await openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", serial,
                               "-days", "2", "-extfile", "openssl.cnf", "-extensions", extensions, "-out", "\(name).pem"])
        }
        try await openssl(["req", "-x509", "-config", "openssl.cnf", "-extensions", "client"] + newKey
            + ["-keyout", "selfsigned.key", "-out", "selfsigned.pem", "-days", "2", "-subj", "/CN=listed"])
        return TestPKI(folder: folder)
    }

    /// The certificate's SHA-256 fingerprint as openssl computes it, in the settings' form.
    public func fingerprint(_ name: String) async throws -> String {
        let result = try await run("openssl", ["x509", "-in", certificate(name), "-noout", "-fingerprint", "-sha256"], in: folder)
        guard result.status == 0, let value = result.output.split(separator: "=").last else {
            throw ToolFailed(description: "openssl fingerprint: \(result.output)")
        }
        return value.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// What curl got: the status ("000" when there was no HTTP answer), headers and body.
public struct CurlReply {
    public let exitStatus: Int32
    public let status: String
    public let headers: String
    public let body: String
    /// What curl said on its error output (-S): why there is no answer when `status` is 000.
    public let error: String

    public func header(_ name: String) -> String? {
        headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }
}

/// One request with curl, the way a head-office client would make it.
public func curl(_ url: String, in folder: URL, caFile: String? = nil, certificate: (cert: String, key: String)? = nil,
          headers: [String] = [], extra: [String] = []) async throws -> CurlReply {
    let id = UUID().uuidString
    let headersFile = folder.appendingPathComponent("headers-\(id)"), bodyFile = folder.appendingPathComponent("body-\(id)")
    let errorFile = folder.appendingPathComponent("error-\(id)")
    defer {
        for file in [headersFile, bodyFile, errorFile] { try? FileManager.default.removeItem(at: file) }
    }
    var arguments = ["-sS", "--stderr", errorFile.path, "--max-time", "180", "-o", bodyFile.path, "-D", headersFile.path,
                     "-w", "%{http_code}"]
    if let caFile { arguments += ["--cacert", caFile] }
    if let certificate { arguments += ["--cert", certificate.cert, "--key", certificate.key] }
    for header in headers { arguments += ["-H", header] }
    let result = try await run("curl", arguments + extra + [url], in: folder)
    func read(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
    return CurlReply(exitStatus: result.status, status: result.output, headers: read(headersFile), body: read(bodyFile),
                     error: read(errorFile))
}
