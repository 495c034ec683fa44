import Checkout
import Foundation
import KioskTestSupport
import Peripherals
import Retail
import Testing
import Vision
@testable import KioskApp

// The camera test frames are KioskTestSupport's TestFrames, shared with VisionTests (drawn once
// per test process).

@Suite struct CameraConfigTests {
    func load(_ json: String) throws -> KioskConfig {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-camera-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try KioskConfig.load(file)
    }

    func refusal(_ json: String) -> String? {
        do { _ = try load(json) } catch { return "\(error)" }
        return nil
    }

    @Test func noCameraByDefault() throws {
        #expect(try load("{}").camera == nil)
    }

    @Test func aCameraSettingBecomesScannerSettings() throws {
        let config = try load("""
            {"camera": {"source": "/dev/video0", "fps": 30, "symbologies": ["ean13", "qrcode"],
                        "regionOfInterest": [100, 50, 640, 480], "confirmFrames": 3}}
            """)
        let camera = try #require(config.camera)
        let settings = try camera.settings()
        #expect(settings.source == .device("/dev/video0"))
        #expect(settings.fps == 30 && settings.width == 1280 && settings.height == 720)
        #expect(settings.decoder.symbologies == [.ean13, .qrcode])
        #expect(settings.decoder.density == 2 && settings.decoder.preprocessing.smoothing)
        #expect(settings.decoder.scanArea == ScanArea(threshold: 6))
        #expect(settings.decoder.preprocessing.regionOfInterest == Region(x: 100, y: 50, width: 640, height: 480))
        #expect(settings.rules == ConfirmationRules(linearFrames: 3, matrixFrames: 1, releaseFrames: 15))
        let folder = try #require(try load(#"{"camera": {"source": "/srv/frames", "releaseFrames": 4}}"#).camera)
        #expect(try folder.settings().source == .directory("/srv/frames"))
        #expect(try folder.settings().rules.releaseFrames == 4)
        #expect(try folder.settings().decoder.symbologies == Symbology.kioskDefault)
        let everywhere = try #require(try load(#"{"camera": {"source": "/dev/video0", "edgeThreshold": 0}}"#).camera)
        #expect(try everywhere.settings().decoder.scanArea == nil)
        let stricter = try #require(try load(#"{"camera": {"source": "/dev/video0", "edgeThreshold": 12}}"#).camera)
        #expect(try stricter.settings().decoder.scanArea == ScanArea(threshold: 12))
    }

    @Test func mistakesInTheCameraSettingAreRefusedWithTheirReason() {
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "symbologys": ["ean13"]}}"#)?
            .contains("camera has an unknown setting \"symbologys\"") == true)
        #expect(refusal(#"{"camera": {"fps": 10}}"#)?.contains("camera.source") == true)
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "fps": 0}}"#)?.contains("camera.fps must be 1...120") == true)
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "symbologies": ["aztec"]}}"#)?
            .contains("unknown symbology \"aztec\"") == true)
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "symbologies": []}}"#)?.contains("no symbology") == true)
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "regionOfInterest": [1, 2, 3]}}"#)?
            .contains("regionOfInterest") == true)
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "downscale": 3}}"#)?.contains("downscale") == true)
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "edgeThreshold": -1}}"#)?.contains("edgeThreshold must be 0...255") == true)
        #expect(refusal(#"{"camera": {"source": "/dev/video0", "edgeThreshold": 256}}"#)?.contains("edgeThreshold") == true)
        #expect(refusal(#"{"camera": {"source": ""}}"#)?.contains("camera.source") == true)
        #expect(refusal(#"{"camera": "/dev/video0"}"#) != nil)
    }

    @Test func gs1CodesReachTheInterpreterWithTheirIdentifier() {
        let gs1 = ScannedCode(data: "01095011015300031725010110AB12", symbology: "]C1", source: "camera")
        func interpretable(_ code: ScannedCode) -> String { ScanRouter.interpretable(code.data, symbology: code.symbology) }
        #expect(interpretable(gs1) == "]C101095011015300031725010110AB12")
        // Everything else as it came: EAN digits, a staff badge in a QR code, data already prefixed.
        #expect(interpretable(ScannedCode(data: "6907674936533", symbology: "]E0", source: "camera")) == "6907674936533")
        #expect(interpretable(ScannedCode(data: "STAFF:1001", symbology: "]Q1", source: "camera")) == "STAFF:1001")
        #expect(interpretable(ScannedCode(data: "]C1010950110153000317", symbology: "]C1", source: "usb")) == "]C1010950110153000317")
        #expect(interpretable(ScannedCode(data: "6907674936533", source: "simulated")) == "6907674936533")
        // GS1 DotCode (]J1) is GS1 too: the router and the interpreter share one table.
        #expect(interpretable(ScannedCode(data: "0109501101530003", symbology: "]J1", source: "usb")) == "]J10109501101530003")

        // And the interpreter reads it as the GS1 item it is, not as 30 digits.
        let interpreter = ScanInterpreter(currency: Currency(code: "CNY", minorDigits: 2))
        guard case .gs1Item(let gtin, nil)? = try? interpreter.interpret(interpretable(gs1)) else {
            Issue.record("not read as a GS1 item: \(interpretable(gs1))")
            return
        }
        #expect(gtin == (try? GTIN("09501101530003")))
        #expect((try? interpreter.interpret(gs1.data)) == nil)
    }
}

/// A GS1 DataMatrix seen by the camera, through the real decoder, reaches the scan interpreter as a
/// USB scanner would send it: ]d2 and the element string.
@Suite struct CameraDataMatrixTests {
    @Test func aGS1DataMatrixFrameIsReadAsItsGTINAndExpiry() throws {
        let frame = try ImageFile.load(path: try TestFrames.entry("gs1-datamatrix", "1280x720").file.path)
        let symbol = try #require(try FrameDecoder().decode(frame).first)
        let code = ScannedCode(data: symbol.data, symbology: symbol.aimIdentifier, source: "camera")
        let interpretable = ScanRouter.interpretable(code.data, symbology: code.symbology)
        #expect(interpretable == "]d201069076749365331727123110LOT42")
        let elements = try GS1ElementString.parse(interpretable)
        #expect(elements.symbology == "]d2")
        #expect(elements.gtin == (try? GTIN("06907674936533")))
        #expect(elements.expiry == GS1Date(yy: 27, month: 12, day: 31))
        #expect(elements.element("10")?.value == "LOT42")
        let interpreter = ScanInterpreter(currency: Currency(code: "CNY", minorDigits: 2))
        guard case .gs1Item(let gtin, nil)? = try? interpreter.interpret(interpretable) else {
            Issue.record("not read as a GS1 item: \(interpretable)")
            return
        }
        #expect(gtin == (try? GTIN("06907674936533")))
    }
}

/// The real `kiosk` executable with a camera.
@Suite(.serialized) struct CameraLaneTests {
    func start(camera: String?) async throws -> (KioskProcess, APIClient, URL) {
        let state = try temporaryDirectory()
        var arguments: [String] = []
        if let camera {
            let config = state.appendingPathComponent("kiosk.json")
            try Data(#"{"camera": {"source": "\#(camera)", "fps": 10}}"#.utf8).write(to: config)
            arguments = ["--config", config.path]
        }
        let kiosk = try await KioskProcess(stateDirectory: state, extraArguments: arguments)
        return (kiosk, APIClient(base: kiosk.baseURL), state)
    }

    /// Puts a frame into the watched folder the way the source asks: written aside, renamed in.
    func show(_ frame: URL, in folder: URL, as name: String) throws {
        let staging = folder.appendingPathComponent(".\(name)")
        try FileManager.default.copyItem(at: frame, to: staging)
        try FileManager.default.moveItem(at: staging, to: folder.appendingPathComponent(name + "." + frame.pathExtension))
    }

    /// How many of the item with this EAN-13 are in the cart (the view shows GTIN-14s).
    func quantity(of gtin: String, in state: [String: Any]) -> Int {
        ((state["lines"] as? [[String: Any]]) ?? []).filter { $0["gtin"] as? String == "0" + gtin }
            .reduce(0) { $0 + ($1["quantity"] as? Int ?? 0) }
    }

    @Test func aCodeShownToTheCameraLandsInTheCart() async throws {
        let item = try TestFrames.entry("ean13", "640x480").file // Carrots, 500 g: 6907674936533
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (kiosk, api, state) = try await start(camera: folder.path)
        defer {
            _ = kiosk.terminate()
            try? FileManager.default.removeItem(at: state)
        }
        let running = try await api.waitForState(timeout: 180) {
            ($0["devices"] as? [String: Any])?["camera"] as? String == "running"
        }
        #expect(running != nil, "\(kiosk.log)")

        // Held up to the camera for four frames in a row: one item, not two.
        for frame in 1...4 { try show(item, in: folder, as: String(format: "%04d", frame)) }
        let added = try await api.waitForState(timeout: 180) { quantity(of: "6907674936533", in: $0) == 1 }
        #expect(added != nil, "\(kiosk.log)")
        // Then gone (a folder with nothing new is an empty view: half a second releases the code)...
        try await Task.sleep(for: .seconds(1.5))
        #expect(quantity(of: "6907674936533", in: try await api.get("/api/state").json) == 1)
        // ...and shown again: a second one. (Four frames, so that even a frame time passing between
        // two of the files leaves two in a row.)
        for frame in 5...8 { try show(item, in: folder, as: String(format: "%04d", frame)) }
        let again = try await api.waitForState(timeout: 180) { quantity(of: "6907674936533", in: $0) == 2 }
        #expect(again != nil, "\(kiosk.log)")
        // The same item's GS1 DataMatrix (expiry and lot, as on a fresh-food label), read by
        // libdmtx and sent on as ]d2: a third.
        let label = try TestFrames.entry("gs1-datamatrix", "640x480").file
        for frame in 9...10 { try show(label, in: folder, as: String(format: "%04d", frame)) }
        let third = try await api.waitForState(timeout: 180) { quantity(of: "6907674936533", in: $0) == 3 }
        #expect(third != nil, "\(kiosk.log)")
    }

    @Test func aMissingCameraLeavesTheLaneRunningAndSaysSo() async throws {
        let (kiosk, api, state) = try await start(camera: "/dev/video93")
        defer {
            _ = kiosk.terminate()
            try? FileManager.default.removeItem(at: state)
        }
        let missing = try await api.waitForState(timeout: 180) {
            ($0["devices"] as? [String: Any])?["camera"] as? String == "missing"
        }
        #expect(missing != nil)
        #expect(kiosk.log.contains("camera missing"))
        // The lane works without it.
        #expect(try await api.scan("6907674936533").status == 200)
    }

    @Test func withoutACameraTheStatusSaysNone() async throws {
        let (kiosk, api, state) = try await start(camera: nil)
        defer {
            _ = kiosk.terminate()
            try? FileManager.default.removeItem(at: state)
        }
        let view = try await api.get("/api/state").json
        #expect((view["devices"] as? [String: Any])?["camera"] as? String == "none")
    }
}

/// `kiosk decode` as a shell script would use it.
@Suite struct DecodeCommandTests {
    func decode(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = KioskProcess.binary
        process.arguments = ["decode"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test func foundNothingFoundAndUnreadable() throws {
        let gs1 = try TestFrames.entry("gs1-128", "1280x720").file
        let empty = try TestFrames.entry("empty", "640x480").file

        let found = try decode([gs1.path, empty.path])
        #expect(found.status == 0)
        #expect(found.output.contains("\(gs1.path): gs1-128 ]C1 01095011015300031725010110AB12 at "))
        #expect(found.output.contains("\(empty.path): nothing found"))
        let dataMatrix = try TestFrames.entry("gs1-datamatrix", "640x480").file
        #expect(try decode([dataMatrix.path]).output.contains("\(dataMatrix.path): gs1-datamatrix ]d2 01069076749365331727123110LOT42 at "))

        #expect(try decode([empty.path]).status == 1)

        let unreadable = try decode(["/nonexistent/frame.png", gs1.path])
        #expect(unreadable.status == 2)
        #expect(unreadable.errors.contains("kiosk decode: /nonexistent/frame.png: cannot be read (no such file)"))
    }

    @Test func jsonOutput() throws {
        let qr = try TestFrames.entry("qr-payment", "1280x720").file
        let result = try decode(["--json", qr.path])
        #expect(result.status == 0)
        let files = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        let symbol = try #require((files.first?["symbols"] as? [[String: Any]])?.first)
        #expect(symbol["symbology"] as? String == "qrcode")
        #expect(symbol["aim"] as? String == "]Q1")
        #expect((symbol["data"] as? String)?.count == 18)
        let position = try #require(symbol["position"] as? [String: Int])
        #expect(position["width"]! > 50 && position["height"]! > 50)
    }

    @Test func aTruncatedFileIsAClearError() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("cut.pgm")
        try Data(Array("P5\n1280 720\n255\n".utf8) + [UInt8](repeating: 0, count: 100)).write(to: file)
        let result = try decode([file.path])
        #expect(result.status == 2)
        #expect(result.errors.contains("truncated PGM (P5): the header promises 921600 bytes of pixels, the file has 100"))
    }
}
