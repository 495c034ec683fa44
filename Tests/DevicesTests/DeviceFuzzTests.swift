@testable import Devices
import Foundation
import KioskTestSupport
import Testing

/// What a USB device sends and what a device file says are outside input: a broken or hostile
/// scanner (or a USB stick posing as one) must not crash the decoders, and a code sent whole must
/// come out whole.
@Suite struct DeviceFuzzTests {
    /// A code's bytes as HID POS scanned-data reports of at most 56 data bytes.
    static func hidPOSReports(_ code: [UInt8], aim: [UInt8]) -> [[UInt8]] {
        stride(from: 0, to: code.count, by: 56).map { start in
            let chunk = code[start..<min(code.count, start + 56)]
            var report = [UInt8](repeating: 0, count: 64)
            report[0] = 2
            report[1] = UInt8(chunk.count)
            report.replaceSubrange(2..<5, with: aim)
            report.replaceSubrange(5..<(5 + chunk.count), with: chunk)
            report[63] = start + 56 < code.count ? 1 : 0
            return report
        }
    }

    static func randomCode(_ r: inout SplitMix64, alphabet: [Character]) -> String {
        String((0..<(1 + r.below(r.chance(10) ? 300 : 40))).map { _ in r.pick(alphabet) })
    }

    static let codeAlphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-./:%$+ é中\u{1D}")

    /// Garbage reports (mutated valid ones, random bytes, odd lengths), then a whole code.
    static func hidPOSInput(_ r: inout SplitMix64) -> (garbage: [[UInt8]], code: String, aim: [UInt8]) {
        let aim = r.chance(80) ? Array(r.pick(["]E0", "]C1", "]Q1", "]d2"]).utf8) : [0, 0, 0]
        var garbage: [[UInt8]] = []
        for _ in 0..<r.below(4) {
            var report = r.chance(60) ? r.pick(hidPOSReports(Array(randomCode(&r, alphabet: codeAlphabet).utf8), aim: aim))
                : (0..<r.below(70)).map { _ in UInt8(r.below(256)) }
            Mutation.mutate(&report, &r)
            garbage.append(report)
        }
        return (garbage, randomCode(&r, alphabet: codeAlphabet), aim)
    }

    @Test func hidPOSReports() async {
        let report = await Fuzz.run("HID POS reports", seed: 0x4D1D_9050, ci: 10_000, make: Self.hidPOSInput) { input in
            var decoder = HIDPOSDecoder()
            var last = ReportResult.dropped("")
            for garbage in input.garbage {
                last = decoder.feed(garbage)
                if case .code(let text, _) = last, text.isEmpty || text.utf8.count > 4096 { return .wrong("code of \(text.utf8.count) bytes") }
            }
            // A decoder left waiting for the rest of a code joins the next one to it, as the protocol says.
            if last == .pending { return .refused }
            let reports = Self.hidPOSReports(Array(input.code.utf8), aim: input.aim)
            let results = reports.map { decoder.feed($0) }
            let aim = input.aim[0] == 0 ? nil : String(decoding: input.aim, as: UTF8.self)
            guard results.dropLast().allSatisfy({ $0 == .pending }), results.last == .code(input.code, symbology: aim) else {
                return .wrong("\(results) for a code of \(input.code.utf8.count) bytes")
            }
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 2)
    }

    /// For each layout: the key (usage, shift, AltGr) of every character it can type.
    static let keys: [KeyboardLayout: [Character: (usage: UInt8, modifiers: UInt8)]] = Dictionary(uniqueKeysWithValues:
        KeyboardLayout.allCases.map { layout in
            var keys: [Character: (UInt8, UInt8)] = [:]
            for usage in UInt8(0x04)...0x38 where usage != 0x28 {
                for (modifiers, shift, altGr) in [(UInt8(0), false, false), (0x02, true, false), (0x40, false, true)] {
                    if let c = layout.character(usage: usage, shift: shift, altGr: altGr), keys[c] == nil { keys[c] = (usage, modifiers) }
                }
            }
            return (layout, keys)
        })

    static func press(_ usage: UInt8, _ modifiers: UInt8) -> [[UInt8]] {
        [[modifiers, 0, usage, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]
    }

    static func wedgeInput(_ r: inout SplitMix64) -> (layout: KeyboardLayout, garbage: [[UInt8]], code: String) {
        let layout = r.pick(KeyboardLayout.allCases)
        let typable = keys[layout]!.keys.sorted().filter { $0 != "\t" }
        var garbage: [[UInt8]] = []
        for _ in 0..<r.below(6) {
            var report = r.chance(50) ? press(UInt8(r.below(256)), UInt8(r.below(256)))[0] : (0..<r.below(12)).map { _ in UInt8(r.below(256)) }
            if r.chance(50) { Mutation.mutate(&report, &r) }
            garbage.append(report)
        }
        return (layout, garbage, randomCode(&r, alphabet: typable))
    }

    @Test func keyboardWedgeReports() async {
        let report = await Fuzz.run("keyboard-wedge reports", seed: 0x3ED6_E000, ci: 10_000, make: Self.wedgeInput) { input in
            var decoder = KeyboardWedgeDecoder(layout: input.layout)
            for garbage in input.garbage {
                if case .code(let text, _) = decoder.feed(garbage), text.isEmpty || text.utf8.count > 4096 {
                    return .wrong("code of \(text.utf8.count) bytes")
                }
            }
            // Whatever came before, all keys up and an Enter end it; then a code typed whole comes out whole.
            _ = ([[UInt8](repeating: 0, count: 8)] + Self.press(0x28, 0)).map { decoder.feed($0) }
            let keys = Self.keys[input.layout]!
            let typed = input.code.flatMap { Self.press(keys[$0]!.usage, keys[$0]!.modifiers) } + Self.press(0x28, 0)
            let results = typed.map { decoder.feed($0) }
            guard results.dropLast(2).allSatisfy({ $0 == .pending }), results.suffix(2).first == .code(input.code, symbology: nil) else {
                return .wrong("\(results.suffix(2)) for \(input.code.debugDescription)")
            }
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted == report.inputs)
    }

    static let shipped = repositoryRoot.appendingPathComponent("devices")
    static let profileSeeds: [(kind: String, bytes: [UInt8])] = ["scanners", "printers"].flatMap { kind in
        let folder = shipped.appendingPathComponent(kind)
        let files = try! FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        return files.map { (kind, Array(try! Data(contentsOf: $0))) }
    }
    static let profileTokens: [[UInt8]] = [
        "\"inherits\":\"x\",", "\"inherits\":\"generic-80mm\",", "\"inherits\":\"fuzzed\",", "\"usb\":{\"vendorID\":\"ffff\",\"productID\":\"0000\"},", "\"driver\":\"hid-pos-scanner\",",
        "\"columns\":", "\"dotsPerLine\":", "\"chunkSize\":", "\"statusTimeoutMilliseconds\":", "\"codePages\":[", "\"keyboardLayout\":\"fr\",",
        "\"terminator\":\"tab\",", "\"prefix\":\"", "0", "-1", "1e308", "9223372036854775807", "[", "{", "}", "]", ",", "\"",
    ].map { Array($0.utf8) }

    /// The shipped profiles' JSON objects by folder and id, as `DeviceProfileCatalog` holds a folder while loading it.
    // Read once and never changed: JSONSerialization values are not Sendable, but nothing mutates them.
    nonisolated(unsafe) static let shippedRaw: [String: [String: [String: Any]]] = Dictionary(uniqueKeysWithValues: ["scanners", "printers"].map { kind in
        (kind, Dictionary(uniqueKeysWithValues: try! FileManager.default
            .contentsOfDirectory(at: shipped.appendingPathComponent(kind), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .map { ($0.deletingPathExtension().lastPathComponent, try! JSONSerialization.jsonObject(with: Data(contentsOf: $0)) as! [String: Any]) }))
    })

    /// The fuzzed profile read beside the shipped ones of its folder, in memory, as `DeviceProfileCatalog.load` reads a folder.
    static func profile(_ bytes: [UInt8], kind: String) -> Result<DeviceProfile, DeviceProfileError> {
        Result { () throws(DeviceProfileError) in
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else { throw .unreadable(file: "fuzzed.json", reason: "not valid JSON") }
            guard let json = object as? [String: Any] else { throw .invalid(file: "fuzzed.json", reason: "must be a JSON object") }
            var raw = shippedRaw[kind]!
            raw["fuzzed"] = json
            return try DeviceProfile.make(id: "fuzzed", file: "fuzzed.json",
                                          json: DeviceProfileCatalog.merged("fuzzed", raw: raw, file: "fuzzed.json", seen: []))
        }
    }

    /// Device files: a mutated shipped profile beside the shipped ones. One input in a hundred is
    /// loaded from disk as the kiosk loads a folder, and must give what the in-memory reading gave.
    @Test func deviceProfiles() async throws {
        let folder = try temporaryDirectory("profile-fuzz")
        defer { try? FileManager.default.removeItem(at: folder) }
        // The shipped profiles beside the fuzzed one, which may inherit from them.
        for kind in ["scanners", "printers"] {
            try FileManager.default.copyItem(at: Self.shipped.appendingPathComponent(kind), to: folder.appendingPathComponent(kind))
        }
        let report = await Fuzz.run("device profiles", seed: 0xDE71_CE00, ci: 3_000, make: { r in
            let seed = r.pick(Self.profileSeeds)
            var bytes = seed.bytes
            if r.chance(3) { bytes = Mutation.deepJSON(1 + r.below(20_000), object: r.chance(50)) }
            Mutation.mutate(&bytes, &r, tokens: Self.profileTokens, others: Self.profileSeeds.map(\.bytes))
            return (kind: seed.kind, bytes: bytes, fromDisk: r.chance(1))
        }, show: { "\($0.kind): \(String(decoding: $0.bytes, as: UTF8.self).debugDescription)" }) { input in
            let read = Self.profile(input.bytes, kind: input.kind)
            if input.fromDisk {
                let file = folder.appendingPathComponent("\(input.kind)/fuzzed.json")
                do { try Data(input.bytes).write(to: file) } catch { return .wrong("cannot write \(file.path): \(error)") }
                defer { try? FileManager.default.removeItem(at: file) }
                let loaded = Result { () throws(DeviceProfileError) in try DeviceProfileCatalog.load(from: folder) }
                switch (loaded, read) {
                case (.success(let catalog), .success(let profile)) where catalog.profile(named: "fuzzed") == profile: break
                case (.failure, .failure): break
                default: return .wrong("from disk \(loaded), in memory \(read)")
                }
            }
            guard case .success(let profile) = read else { return .refused }
            guard profile.chunkSize > 0, profile.statusTimeout >= .zero, !profile.name.isEmpty,
                  profile.printer.map({ $0.columns > 0 && $0.dotsPerLine > 0 }) ?? true
            else { return .wrong("accepted \(profile)") }
            return .accepted
        }
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 50)
    }
}
