import Foundation
import Hummingbird
import Journal
import KioskTestSupport
import NIOCore
import Retail
import Testing
@testable import KioskApp

/// The shell's own parsers of outside input: the settings file (the camera and sync settings in
/// it included) and the page API's JSON bodies. Each gives a value or its typed error; an accepted
/// settings file writes out and reads back the same; no refusal repeats a secret it was given.
@Suite struct InputFuzzTests {
    static let pinHash = String(repeating: "0f", count: 32)
    static let tokenHash = String(repeating: "a1", count: 32)
    static let configSeeds: [[UInt8]] = [
        "{}",
        #"{"laneID": "L07", "printerProfile": "generic-58mm", "paymentTimeoutSeconds": 30, "eReceiptBaseURL": "https://r.example/r/"}"#,
        #"{"camera": {"source": "/dev/video0", "fps": 15, "width": 640, "height": 480, "symbologies": ["ean13", "qrcode"], "density": 1, "regionOfInterest": [0, 0, 320, 240], "downscale": 2, "confirmFrames": 3, "releaseFrames": 8}}"#,
        #"{"sync": {"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "\#(tokenHash)"}]}, "usbDevices": false, "networkPrinter": "192.168.1.40:9100"}"#,
        #"{"staff": [{"badge": "STAFF:1", "name": "Li", "pinSalt": "c2FsdA", "pinSHA256": "\#(pinHash)"}], "scannerKeyboardLayout": "de"}"#,
        #"{"simulatedTerminal": {"approvalDelayMilliseconds": 10}, "emptyCartTimeoutSeconds": 5, "abandonedCartTimeoutSeconds": 30, "receiptTimeoutSeconds": 3}"#,
    ].map { Array($0.utf8) }
    static let configTokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\"laneID\":", "\"camera\":", "\"sync\":", "\"staff\":", "\"tls\":", "\"source\":\"\"",
        "\"fps\":", "\"width\":", "\"regionOfInterest\":", "\"listen\":\"0.0.0.0:1\"", "\\u0000", "\\ud800", "null", "-1", "0", "1e999",
        "9223372036854775807", "0.5", "\"\"",
    ].map { Array($0.utf8) }

    static func makeConfig(_ r: inout SplitMix64) -> [UInt8] {
        if r.chance(2) { return Mutation.deepJSON(1 + r.below(20_000), object: r.chance(50)) }
        var bytes = r.pick(configSeeds)
        if r.chance(85) { Mutation.mutate(&bytes, &r, tokens: configTokens, others: configSeeds) }
        return bytes
    }

    static func checkConfig(_ bytes: [UInt8]) -> Fuzz.Verdict {
        let config: KioskConfig
        do { config = try KioskConfig.parse(Data(bytes), source: "kiosk.json") } catch let error as KioskSetupError {
            let message = error.description
            if message.isEmpty { return .wrong("empty error") }
            if message.contains(pinHash) || message.contains(tokenHash) { return .wrong("the error repeats a secret: \(message)") }
            return .refused
        } catch {
            return .wrong("untyped error \(error)")
        }
        // A settings file that is accepted is valid settings: written out, it reads back the same.
        do {
            let again = try KioskConfig.parse(try JSONEncoder().encode(config), source: "again.json")
            guard again == config else { return .wrong("reads back as \(again)") }
            _ = try config.camera?.settings()
        } catch { return .wrong("accepted, then \(error)") }
        return .accepted
    }

    @Test func settingsFiles() async {
        let report = await Fuzz.run("settings file", seed: 0xC0_F16, ci: 5_000, make: Self.makeConfig,
                                    show: { String(decoding: $0, as: UTF8.self).debugDescription }, check: Self.checkConfig)
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 20)
    }

    // The page API's bodies, with the shapes of the routes' own (staff sign-in, paper receipt, demo scan).
    struct StaffBody: Decodable { let badge: String; let pin: String }
    struct PaperBody: Decodable { let wanted: Bool }
    struct CodeBody: Decodable { let code: String }

    static let pin = "482913"
    static let bodySeeds: [[UInt8]] = [
        #"{"badge": "STAFF:1", "pin": "\#(pin)"}"#, #"{"wanted": true}"#, #"{"code": "6901234567892"}"#,
        #"{"code": "134567890123456789"}"#,
    ].map { Array($0.utf8) }

    static func decode(_ bytes: [UInt8], as which: Int) async throws {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let request = Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/api/x", headerFields: headers),
                              body: RequestBody(buffer: ByteBuffer(bytes: bytes)))
        switch which {
        case 0: _ = try await request.decodeJSON(as: StaffBody.self)
        case 1: _ = try await request.decodeJSON(as: PaperBody.self)
        default: _ = try await request.decodeJSON(as: CodeBody.self)
        }
    }

    @Test func pageBodies() async {
        let report = await Fuzz.run("page API bodies", seed: 0xBA6E_B0D1, ci: 5_000, make: { r in
            let which = r.below(3)
            var bytes = Self.bodySeeds[which == 2 ? 2 + r.below(2) : which]
            if r.chance(3) { bytes = Mutation.deepJSON(1 + r.below(20_000), object: r.chance(50)) }
            if r.chance(85) { Mutation.mutate(&bytes, &r, tokens: Self.configTokens + [Array("\"pin\":".utf8)], others: Self.bodySeeds) }
            return (which, bytes)
        }, show: { "\($0.0): \(String(decoding: $0.1, as: UTF8.self).debugDescription)" }) { input in
            do { try await Self.decode(input.1, as: input.0) } catch let error as APIError {
                // The refusal goes back to the page and into the log: never the PIN or a wallet code.
                let leaks = [Self.pin, "134567890123456789"].filter { error.message.contains($0) }
                guard error.code == "bad-request", leaks.isEmpty else { return .wrong("refused as \(error.code): \(error.message)") }
                return .refused
            } catch { return .wrong("untyped error \(error)") }
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 20)
    }

    /// Head office's pushed coupon keys as `PushedFiles` reads `pushed/coupon-keys.json`, in memory
    /// (a million files would take hours); one input in a hundred also goes through the real file.
    static func couponKeys(_ bytes: [UInt8]) throws -> [CouponKey] {
        let o = try WireObject(try JSONValue.parse(String(decoding: bytes, as: UTF8.self)))
        let keys = try { () throws(WireError) in
            _ = try o.int("v", in: 1...1)
            return try o.objects("keys") { (k) throws(WireError) in
                AdminEvent.InstalledKey(id: try k.string("id"), publicKey: try k.string("publicKey"))
            }
        }()
        return try PushRules.couponKeys(keys, refusedKey: nil)
    }

    /// The pushed keys are a file anyone with the disk could edit, read at start: the keys or a
    /// refusal to start; keys read are valid and write back to a file that reads the same.
    @Test func pushedCouponKeys() async throws {
        let state = try temporaryDirectory("pushed-fuzz")
        defer { try? FileManager.default.removeItem(at: state) }
        let files = PushedFiles(stateDirectory: state)
        try FileManager.default.createDirectory(at: files.directory, withIntermediateDirectories: true)
        let file = files.directory.appendingPathComponent(PushedFiles.couponKeysFile)
        let seeds = [
            PushedFiles.text(couponKeys: [CouponKey(id: "ho-2025", publicKey: "/eq1A6Kvrp0xRCdGpLEQovMagm68/W8ynJ46oADo6OM=")]),
            PushedFiles.text(couponKeys: [CouponKey(id: "a", publicKey: "/eq1A6Kvrp0xRCdGpLEQovMagm68/W8ynJ46oADo6OM="),
                                          CouponKey(id: "b", publicKey: "O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=")]),
            PushedFiles.text(couponKeys: []),
        ]
        func write(_ bytes: [UInt8]) -> Bool {
            FileManager.default.createFile(atPath: file.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        }
        let report = await Fuzz.run("pushed coupon keys", seed: 0xC0_4E75, ci: 2_000, make: { r in
            var bytes = r.pick(seeds)
            if r.chance(85) { Mutation.mutate(&bytes, &r, tokens: Self.configTokens + [Array("\"keys\":".utf8), Array("\"v\":1".utf8)], others: seeds) }
            return (bytes: bytes, fromDisk: r.chance(1))
        }, show: { String(decoding: $0.bytes, as: UTF8.self).debugDescription }) { input in
            let read = Result { try Self.couponKeys(input.bytes) }
            if input.fromDisk {
                guard write(input.bytes) else { return .wrong("cannot write \(file.path)") }
                switch (Result { try files.couponKeys() }, read) {
                case (.success(let fromFile), .success(let keys)) where fromFile == keys: break
                case (.failure(let error), .failure) where error is KioskSetupError: break
                case (let fromFile, _): return .wrong("from the file \(fromFile), in memory \(read)")
                }
            }
            let keys: [CouponKey]
            switch read {
            case .success(let read): keys = read
            case .failure(let error as PushError): return error.message.isEmpty ? .wrong("empty error") : .refused
            case .failure(let error as WireError): return error.problem.isEmpty ? .wrong("empty error") : .refused
            case .failure(is DecodingError): return .refused // not JSON
            case .failure(let error): return .wrong("untyped error \(error)")
            }
            guard keys.isEmpty || (try? Ed25519CouponVerifier(keys)) != nil else { return .wrong("accepted keys that do not verify: \(keys)") }
            guard (try? Self.couponKeys(PushedFiles.text(couponKeys: keys))) == keys else { return .wrong("\(keys) do not read back") }
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 20)
    }
}
