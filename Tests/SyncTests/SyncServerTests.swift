import Foundation
import Hummingbird
import KioskTestSupport
import Testing
@testable import Sync

/// The listener over the real network on 127.0.0.1, with real TLS (certificates made by openssl)
/// and curl as head office's client.
@Suite struct SyncServerTests {
    let hq = SyncToken.generate()

    /// TLS with the token "hq" and the client certificate "listed".
    func settings(_ pki: TestPKI, fingerprint: String) -> SyncSettings {
        SyncSettings(listen: "127.0.0.1:0", tls: .init(certificate: pki.certificate("server"), key: pki.key("server")),
                     tokens: [.init(name: "hq", sha256: hq.sha256Hex)],
                     clientCertificates: [.init(name: "collector", sha256: fingerprint)])
    }

    @Test func onlyValidCredentialsGetPastTheListener() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let log = LogRecorder()
            let wrong = SyncToken.generate()
            try await withSyncServer(settings(pki, fingerprint: try await pki.fingerprint("listed")), logger: log.logger()) { endpoint in
                #expect(endpoint.url.hasPrefix("https://127.0.0.1:"))
                #expect(endpoint.port != 0)
                func get(_ path: String, client: String? = nil, headers: [String] = []) async throws -> CurlReply {
                    try await curl(endpoint.url + path, in: folder, caFile: pki.certificate("ca"),
                                   certificate: client.map { (pki.certificate($0), pki.key($0)) }, headers: headers)
                }
                func expectUnauthorized(_ reply: CurlReply, _ comment: Comment) {
                    #expect(reply.status == "401", "\(comment): curl exit \(reply.exitStatus) \(reply.error)")
                    #expect(reply.body == #"{"error":{"code":"unauthorized"}}"#, comment)
                    #expect(reply.header("WWW-Authenticate") == "Bearer", comment)
                }
                expectUnauthorized(try await get("/sync/v1/whoami"), "no credentials")
                expectUnauthorized(try await get("/sync/v1/whoami", headers: ["Authorization: Bearer \(wrong.text)"]), "wrong token")
                expectUnauthorized(try await get("/sync/v1/whoami", headers: ["Authorization: Bearer not-a-token"]), "malformed token")
                // A path that does not exist says nothing more than one that does.
                expectUnauthorized(try await get("/sync/v1/nothing-here"), "unknown path")
                expectUnauthorized(try await get("/"), "root")
                // Decision: an unlisted certificate passes the handshake and gets the same 401 as a
                // wrong token (logged and counted), from the same CA or self-signed alike.
                expectUnauthorized(try await get("/sync/v1/whoami", client: "unlisted"), "unlisted certificate, same CA")
                expectUnauthorized(try await get("/sync/v1/whoami", client: "selfsigned"), "self-signed certificate, same subject")
                expectUnauthorized(try await get("/sync/v1/whoami", client: "listed", headers: ["Authorization: Bearer \(wrong.text)"]),
                                   "listed certificate, wrong token")

                let byToken = try await get("/sync/v1/whoami", headers: ["Authorization: Bearer \(hq.text)"])
                #expect(byToken.status == "200")
                #expect(byToken.body == "token:hq")
                let byCertificate = try await get("/sync/v1/whoami", client: "listed")
                #expect(byCertificate.status == "200")
                #expect(byCertificate.body == "client certificate:collector")
                // Authenticated, an unknown path is an ordinary 404.
                #expect(try await get("/sync/v1/nothing-here", headers: ["Authorization: Bearer \(hq.text)"]).status == "404")
            }
            let text = log.text
            for reason in ["missing credentials", "unknown token", "malformed Authorization header", "unknown client certificate"] {
                #expect(text.contains("sync request refused") && text.contains("reason=\(reason)"), "\(reason) not logged:\n\(text)")
            }
            #expect(text.contains("remote=127.0.0.1:"), "\(text)")
            // Neither the right token nor a wrong one is ever logged, at any level.
            #expect(!text.contains(hq.text))
            #expect(!text.contains(wrong.text))
            #expect(!text.contains(String(hq.text.dropFirst(4).prefix(16))))
        }
    }

    @Test func withoutTheCAAClientRefusesTheListener() async throws {
        // The listener's certificate is real TLS: a client that does not trust its CA stops.
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            try await withSyncServer(settings(pki, fingerprint: try await pki.fingerprint("listed")), logger: LogRecorder().logger()) { endpoint in
                let reply = try await curl(endpoint.url + "/sync/v1/whoami", in: folder, headers: ["Authorization: Bearer \(hq.text)"])
                #expect(reply.exitStatus == 60)  // curl: peer certificate cannot be authenticated
                #expect(reply.status == "000")
            }
        }
    }

    @Test func repeatedFailuresAreRateLimited() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let clock = ManualClock()
            let limiter = SyncRateLimiter(policy: .init(maxFailures: 3, window: .seconds(60), coolDown: .seconds(300), capacity: 16),
                                          now: { clock.now })
            let log = LogRecorder()
            try await withSyncServer(settings(pki, fingerprint: try await pki.fingerprint("listed")), logger: log.logger(),
                                     rateLimiter: limiter) { endpoint in
                func get(_ token: SyncToken?, client: String? = nil) async throws -> CurlReply {
                    try await curl(endpoint.url + "/sync/v1/whoami", in: folder, caFile: pki.certificate("ca"),
                                   certificate: client.map { (pki.certificate($0), pki.key($0)) },
                                   headers: token.map { ["Authorization: Bearer \($0.text)"] } ?? [])
                }
                let first = try await get(SyncToken.generate())
                #expect(first.status == "401")
                #expect(first.header("Retry-After") == nil)
                #expect(try await get(nil, client: "unlisted").status == "401")
                // The third failure starts the cool-down and says so.
                let third = try await get(nil)
                #expect(third.status == "401")
                #expect(third.header("Retry-After") == "300")
                // Now even the right token and the listed certificate are not looked at.
                let refused = try await get(hq)
                #expect(refused.status == "401")
                #expect(refused.body == #"{"error":{"code":"unauthorized"}}"#)
                #expect(refused.header("Retry-After") == "300")
                #expect(try await get(nil, client: "listed").status == "401")
                clock.advance(.seconds(240))
                #expect(try await get(hq).header("Retry-After") == "60")
                clock.advance(.seconds(60))
                #expect(try await get(hq).status == "200")
            }
            #expect(log.text.contains("too many failed sync sign-ins"))
            #expect(log.text.contains("reason=rate limited"))
            #expect(!log.text.contains(hq.text))
        }
    }

    @Test func aLoopbackListenerWithoutTLSServesPlainHTTP() async throws {
        try await withTemporaryDirectory { folder in
            let settings = SyncSettings(listen: "127.0.0.1:0", tokens: [.init(name: "hq", sha256: hq.sha256Hex)])
            try await withSyncServer(settings, logger: LogRecorder().logger()) { endpoint in
                #expect(endpoint.url.hasPrefix("http://127.0.0.1:"))
                #expect(try await curl(endpoint.url + "/sync/v1/whoami", in: folder).status == "401")
                // A body is not read before the credentials are checked, and does not change the answer.
                let body = folder.appendingPathComponent("body.json")
                try Data(repeating: UInt8(ascii: "x"), count: 4 << 20).write(to: body)
                let post = try await curl(endpoint.url + "/sync/v1/push", in: folder, extra: ["-X", "POST", "--data-binary", "@\(body.path)"])
                #expect(post.status == "401")
                #expect(post.body == #"{"error":{"code":"unauthorized"}}"#)
                let reply = try await curl(endpoint.url + "/sync/v1/whoami", in: folder, headers: ["Authorization: Bearer \(hq.text)"])
                #expect(reply.status == "200")
                #expect(reply.body == "token:hq")
                // No Server header: the listener says nothing about itself.
                #expect(reply.header("Server") == nil)
            }
        }
    }

    /// What the routes do not answer themselves is still a coded error: no such path, a method the
    /// path does not take (with Allow), an operation of the document with no route here, and a
    /// route that fails unexpectedly (logged, without the request's query).
    @Test func answersNoRouteGivesAreCodedErrors() async throws {
        try await withTemporaryDirectory { folder in
            let settings = SyncSettings(listen: "127.0.0.1:0", tokens: [.init(name: "hq", sha256: hq.sha256Hex)])
            struct Broken: Error {}
            let log = LogRecorder()
            try await withSyncServer(settings, logger: log.logger(), routes: { router in
                router.get("/sync/v1/lane") { _, _ in "lane" }
                router.get("/sync/v1/events") { _, _ -> String in throw Broken() }
                router.post("/sync/v1/ack") { _, _ -> String in throw HTTPError(.badRequest) }
            }) { endpoint in
                func send(_ method: String, _ path: String) async throws -> CurlReply {
                    try await curl(endpoint.url + path, in: folder, headers: ["Authorization: Bearer \(hq.text)"],
                                   extra: method == "HEAD" ? ["-I"] : ["-X", method])
                }
                #expect(try await send("GET", "/sync/v1/lane").body == "lane")
                let missing = try await send("GET", "/sync/v1/nothing-here")
                #expect(missing.status == "404" && missing.body == #"{"error":{"code":"not-found"}}"#)
                for method in ["DELETE", "POST", "HEAD", "TRACE", "OPTIONS"] {
                    let wrong = try await send(method, "/sync/v1/lane")
                    #expect(wrong.status == "405" && wrong.header("Allow") == "GET",
                            "\(method): \(wrong.status) \(wrong.headers) \(wrong.body) (curl \(wrong.exitStatus) \(wrong.error))")
                    #expect(method == "HEAD" || wrong.body == #"{"error":{"code":"method-not-allowed"}}"#, "\(method)")
                }
                let postOnly = try await send("GET", "/sync/v1/ack")
                #expect(postOnly.status == "405" && postOnly.header("Allow") == "POST",
                        "GET of a POST route: \(postOnly.status) \(postOnly.headers) \(postOnly.body) (curl \(postOnly.exitStatus) \(postOnly.error))")
                let notHere = try await send("PUT", "/sync/v1/catalog")
                #expect(notHere.status == "501" && notHere.body == #"{"error":{"code":"not-implemented"}}"#)
                let failed = try await send("GET", "/sync/v1/events?after=secret-looking-query")
                #expect(failed.status == "500" && failed.body == #"{"error":{"code":"internal-error"}}"#)
                let refused = try await send("POST", "/sync/v1/ack")
                #expect(refused.status == "400" && refused.body == #"{"error":{"code":"bad-request"}}"#)
            }
            #expect(log.text.contains("sync route failed") && log.text.contains("Broken"), "\(log.text)")
            #expect(!log.text.contains("secret-looking-query"))
        }
    }

    /// `SyncAPI.operations` is the document's list of operations, path by path.
    @Test func theOperationTableIsTheDocuments() throws {
        let spec = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/sync-api.yaml"), encoding: .utf8)
        var documented: [String: [String]] = [:]
        var path: String?
        for line in spec.split(separator: "\n") {
            if line.hasPrefix("  /") { path = String(line.dropFirst(2).dropLast()) }
            if line.hasPrefix("components:") { path = nil }
            for method in ["get", "put", "post", "delete", "patch", "head", "options", "trace"] where line == "    \(method):" {
                documented[path!, default: []].append(method.uppercased())
            }
        }
        #expect(documented.count == 10)
        #expect(documented == SyncAPI.operations.mapValues { $0.map(\.rawValue) })
    }

    @Test func unusableTLSFilesStopTheStartWithTheirReason() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            func start(certificate: String, key: String) throws {
                _ = try SyncServer(settings: SyncSettings(listen: "127.0.0.1:0", tls: .init(certificate: certificate, key: key),
                                                          tokens: [.init(name: "hq", sha256: hq.sha256Hex)]),
                                   logger: LogRecorder().logger()) { _ in }
            }
            func refusal(_ body: () throws -> Void) -> String {
                do { try body() } catch let error as SyncSettingsError { return error.message } catch { return "\(error)" }
                return "accepted"
            }
            let missing = folder.appendingPathComponent("missing.pem").path
            #expect(refusal { try start(certificate: missing, key: pki.key("server")) } == "sync.tls.certificate \(missing) cannot be read")
            #expect(refusal { try start(certificate: pki.key("server"), key: pki.key("server")) }.contains("holds no PEM certificate"))
            #expect(refusal { try start(certificate: pki.certificate("server"), key: pki.certificate("server")) }.contains("holds no unencrypted PEM private key"))
            #expect(refusal { try start(certificate: pki.certificate("server"), key: pki.key("listed")) }.contains("cannot be used with the certificate"))
            #expect(refusal { try start(certificate: pki.certificate("server"), key: pki.key("server")) } == "accepted")
        }
    }
}
