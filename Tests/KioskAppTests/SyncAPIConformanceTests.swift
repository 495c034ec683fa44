import Foundation
import KioskTestSupport
import Sync
import Testing

/// Schemathesis (PyPI, pinned in scripts/requirements-test.txt, installed by scripts/setup into
/// .venv-test/) against docs/sync-api.yaml on the real executable: a demo lane with one sale in
/// its journal, its sync listener on 127.0.0.1 over TLS (certificates made by openssl), and a
/// token. Valid and invalid requests for every operation (its examples, boundary values, then
/// generated ones); every answer must be documented: no 5xx, a status code the operation lists,
/// the content type and schema it lists, 405 with `Allow` for a method the path does not take,
/// invalid requests refused and valid ones taken.
///
/// Deterministic: `--generation-deterministic` (no seed, no randomness) with a fixed number of
/// examples per operation (which also means no example database). `ignored_auth` is left out: it sends requests
/// without or with a wrong credential, which the lane counts (10 in a minute and 127.0.0.1 is
/// refused for 5 minutes, which would make the rest of the run depend on timing);
/// `SyncEndToEndTests.everyRouteRefusesWithoutTheRightCredential` covers exactly that, per route.
///
/// A swift-testing test rather than a step of scripts/test: `swift test --filter` selects it like
/// any other, its failure is counted and reported in the suite's summary (the last line of
/// scripts/test), and Schemathesis's own report is attached to the failure.
@Suite(.serialized) struct SyncAPIConformanceTests {
    static let schemathesis = repositoryRoot.appendingPathComponent(".venv-test/bin/st")
    static let spec = repositoryRoot.appendingPathComponent("docs/sync-api.yaml")

    /// The document's operations by id.
    static let operations = [
        "getLane": "GET /sync/v1/lane", "getEvents": "GET /sync/v1/events", "acknowledge": "POST /sync/v1/ack",
        "putCatalog": "PUT /sync/v1/catalog", "putCouponKeys": "PUT /sync/v1/coupon-keys", "putStaff": "PUT /sync/v1/staff",
        "postRedeemedCoupons": "POST /sync/v1/redeemed-coupons", "postScan": "POST /sync/v1/scans",
        "getSpec": "GET /sync/v1/openapi.yaml", "getMetrics": "GET /metrics",
    ]

    /// Examples per operation and phase. 2,000 took 290 s for eight operations on this 2-core
    /// machine (each accepted push is an fsynced write); 500 keeps the run near a minute and a half.
    static let maxExamples = 500

    @Test func theSyncAPIAnswersAsItsDocumentSays() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.schemathesis.path) else {
            Issue.record("Schemathesis is not installed at \(Self.schemathesis.path): run scripts/setup")
            return
        }
        try await withTemporaryDirectory { folder in
            let pki = try await TestPKI.make(in: folder)
            let token = SyncToken.generate()
            let config = folder.appendingPathComponent("kiosk.json")
            try Data(#"""
                {"laneID": "L07", "usbDevices": false,
                 "sync": {"listen": "127.0.0.1:0", "tls": {"certificate": "\#(pki.certificate("server"))", "key": "\#(pki.key("server"))"},
                          "tokens": [{"name": "schemathesis", "sha256": "\#(token.sha256Hex)"}],
                          "scanInjectors": ["schemathesis"]}}
                """#.utf8).write(to: config)
            let kiosk = try await KioskProcess(stateDirectory: folder.appendingPathComponent("state"), demo: true,
                                         extraArguments: ["--config", config.path])
            defer { if kiosk.process.isRunning { kiosk.kill9() } }
            let line = try #require(await kiosk.waitForLine(containing: "kiosk sync ready on"), "\(kiosk.log)")
            let sync = try #require(line.split(separator: " ").last.map(String.init))

            // A sale, so that events, writes and signed heads are there to be pulled.
            let api = APIClient(base: kiosk.baseURL)
            for code in ["6907674936533", "6907674936533"] { #expect(try await api.scan(code).status == 200) }
            #expect(try await api.post("/api/pay").status == 200)
            _ = try await api.waitForState { ($0["phase"] as? String) == "receipt" }
            #expect(try await api.post("/api/finish").status == 200)

            let settings = folder.appendingPathComponent("schemathesis.toml")
            try Data(#"""
                # The token reaches Schemathesis through its environment, never a command line.
                headers = { Authorization = "Bearer ${KIOSK_SYNC_TOKEN}" }

                # An invalid request may also be refused for its size (413 too-large, documented):
                # Schemathesis's list of refusals, with 413 and without 5xx (never a right answer).
                [checks.negative_data_rejection]
                expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]

                # Rules a JSON schema cannot say: unique badges and key ids, a key that is a key, a
                # catalog with at least one valid row (GTIN check digits...). A schema-valid push may
                # be refused for them, with its code; never with a 5xx.
                [[operations]]
                include-operation-id = ["putCatalog", "putCouponKeys", "putStaff"]
                checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "401", "409", "422"]

                # A schema-valid scan is still mostly not a barcode the lane knows (422), or comes
                # while the lane takes no scan (409): the lane's own refusal codes, never a 5xx.
                [[operations]]
                include-operation-id = ["postScan"]
                checks.positive_data_acceptance.expected-statuses = ["2xx", "409", "422"]
                """#.utf8).write(to: settings)
            let report = folder.appendingPathComponent("report.xml")
            let arguments = ["--config-file", settings.path, "run", Self.spec.path, "--url", sync,
                             "--tls-verify", pki.certificate("ca"),
                             "--checks", "all", "--exclude-checks", "ignored_auth",
                             "--max-examples", "\(Self.maxExamples)", "--generation-deterministic",
                             "--workers", "1", "--request-timeout", "30",
                             "--report", "junit", "--report-junit-path", report.path, "--no-color"]
            let result = try await runSchemathesis(arguments, token: token.text, in: folder, timeout: 600)
            #expect(result.status == 0, "Schemathesis found problems:\n\(result.output.suffix(30_000))")

            // It did test what it should: every operation, and each one passed.
            let junit = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
            #expect(Set(Self.operations.values) == Set(SyncAPI.operations.flatMap { path, methods in methods.map { "\($0.rawValue) \(path)" } }))
            let served = Self.operations.values
            for operation in served {
                #expect(junit.contains("name=\"\(operation)\""), "\(operation) was not tested:\n\(junit.prefix(4000))")
            }
            #expect(result.output.contains("Tested: \(served.count)"), "\(result.output.suffix(3000))")
            // Schemathesis hides the credential in what it prints; the lane never logs it.
            #expect(!result.output.contains(token.text) && !junit.contains(token.text))
            #expect(kiosk.terminate(timeout: 180) == 0)
            #expect(!kiosk.log.contains(token.text))
            #expect(!kiosk.log.contains("sync route failed"), "\(kiosk.log)")
        }
    }

    /// Runs `st` with `arguments` in `folder`, the token in its environment; its output (stdout and
    /// stderr) and exit status. Killed after `timeout` seconds.
    func runSchemathesis(_ arguments: [String], token: String, in folder: URL, timeout: TimeInterval) async throws -> (status: Int32, output: String) {
        let outputFile = folder.appendingPathComponent("schemathesis-output.txt")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = Self.schemathesis
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["KIOSK_SYNC_TOKEN"] = token
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        return (status, String(decoding: try Data(contentsOf: outputFile), as: UTF8.self))
    }
}
