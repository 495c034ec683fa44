import Foundation
import KioskTestSupport
import Sync
import Testing

/// The page's listener beyond loopback (issue 15, item 2): `--listen 0.0.0.0:…` used to serve pay,
/// cancel, scan and the staff PIN check to the network in clear, to anyone. Now it needs the
/// `pageNetwork` setting, TLS and a token.
@Suite(.serialized) struct PageNetworkTests {
    @Test func aNetworkListenerIsRefusedWithoutPermission() async throws {
        try await withTemporaryDirectory { folder in
            for listen in ["0.0.0.0:0", "192.0.2.2:0", ":::0"] {
                let result = try await startKiosk(in: folder, listen: listen)
                #expect(result.status == 1, "\(listen): \(result.output)")
                #expect(result.output.contains("is not a loopback address"))
                #expect(result.output.contains("pageNetwork"))
                #expect(!result.output.contains("kiosk ready"))
            }
        }
    }

    @Test func aNetworkListenerIsRefusedWithoutTLSOrToken() async throws {
        try await withTemporaryDirectory { folder in
            let token = SyncToken.generate()
            let tokens = #"[{"name": "office", "sha256": "\#(token.sha256Hex)"}]"#
            let tls = #"{"certificate": "/nonexistent/cert.pem", "key": "/nonexistent/key.pem"}"#
            for (setting, message) in [(#"{"tokens": \#(tokens)}"#, "pageNetwork.tls is required"),
                                       (#"{"tls": \#(tls)}"#, "pageNetwork.tokens needs at least one token"),
                                       (#"{"tls": \#(tls), "tokens": \#(tokens)}"#, "pageNetwork.tls.certificate /nonexistent/cert.pem cannot be read")] {
                let config = folder.appendingPathComponent("kiosk.json")
                try Data(#"{"pageNetwork": \#(setting)}"#.utf8).write(to: config)
                let result = try await startKiosk(in: folder, listen: "0.0.0.0:0", config: config)
                #expect(result.status == 1, "\(setting): \(result.output)")
                #expect(result.output.contains(message), "\(setting): \(result.output)")
            }
        }
    }

    @Test func aNetworkListenerServesOnlyTLSWithTheToken() async throws {
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"""
                {"pageNetwork": {"tls": {"certificate": "\#(pki.certificate("server"))", "key": "\#(pki.key("server"))"},
                                 "tokens": [{"name": "office", "sha256": "\#(token.sha256Hex)"}]}}
                """#.utf8).write(to: config)
            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"),
                                         extraArguments: ["--config", config.path, "--listen", "0.0.0.0:0"])
            defer { if kiosk.process.isRunning { kiosk.kill9() } } // only when an expectation threw
            #expect(await kiosk.waitForLine(containing: "kiosk ready on")?.contains("https://0.0.0.0:") == true)
            let url = "https://127.0.0.1:\(kiosk.port)"
            func request(_ path: String, _ headers: [String] = [], _ extra: [String] = []) async throws -> CurlReply {
                try await curl(url + path, in: folder, caFile: pki.certificate("ca"), headers: headers, extra: extra)
            }

            for path in ["/api/state", "/", "/ws", "/receipts/L01-1.txt"] {
                let anonymous = try await request(path)
                #expect(anonymous.status == "401", "\(path): \(anonymous.status)")
                #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
                #expect(anonymous.body.contains(#""code":"unauthorized""#))
                #expect(!anonymous.body.contains("phase"))
            }
            let stranger = SyncToken.generate()
            #expect(try await request("/api/state", [], ["-u", "office:\(stranger.text)"]).status == "401")
            #expect(try await request("/api/state", ["Authorization: Bearer \(stranger.text)"]).status == "401")
            #expect(try await request("/api/state", ["Authorization: Bearer not-a-token"]).status == "401")

            // With the token: as a browser sends it (Basic) and as a script does (Bearer).
            let basic = try await request("/api/state", [], ["-u", "office:\(token.text)"])
            #expect(basic.status == "200")
            #expect(basic.body.contains(#""phase""#))
            let pay = try await request("/api/pay", ["Authorization: Bearer \(token.text)", "Content-Type: application/json"],
                                        ["-X", "POST", "--data-binary", "{}"])
            #expect(pay.status == "409", "\(pay.body)") // through to the lane, which has nothing to pay for

            // Plain HTTP gets no answer at all.
            let clear = try await curl("http://127.0.0.1:\(kiosk.port)/api/state", in: folder, extra: ["-u", "office:\(token.text)"])
            #expect(clear.status != "200")
            #expect(await kiosk.stop() == 0)
            #expect(!kiosk.log.contains(token.text))
        }
    }

    func startKiosk(in folder: URL, listen: String, config: URL? = nil) async throws -> (status: Int32, output: String) {
        try await run(KioskProcess.binary.path, ["run", "--demo", "--state-dir", folder.appendingPathComponent("state").path,
                                                 "--listen", listen, "--assets", repositoryRoot.appendingPathComponent("assets").path]
                      + (config.map { ["--config", $0.path] } ?? []), in: folder, mergingErrors: true)
    }
}
