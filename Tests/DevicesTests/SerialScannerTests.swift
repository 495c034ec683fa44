import Devices
import Foundation
import KioskTestSupport
import Peripherals
import Synchronization
import Testing

@Suite struct SerialScannerTests {
    @Test func codesEndAtTheProfilesTerminatorWhateverTheChunks() {
        var enter = SerialLineDecoder(terminator: .enter, prefix: "S", suffix: "")
        #expect(enter.feed(Array("S5012345678900\r\nS4006".utf8)) == [.code("5012345678900", symbology: nil)])
        #expect(enter.feed(Array("381300001\r".utf8)) == [.code("4006381300001", symbology: nil)])
        #expect(enter.feed(Array("\n9780201\n\n".utf8)) == [.code("9780201", symbology: nil)], "LF alone ends a code; empty lines are nothing")
        // GS (FNC1) inside GS1 data is kept; Latin-1 bytes read as such.
        #expect(enter.feed([0x30, 0x31, 0x1D, 0x32, 0xE9, 0x0D]) == [.code("01\u{1D}2é", symbology: nil)])
        var tab = SerialLineDecoder(terminator: .tab)
        #expect(tab.feed(Array("12\r34\t".utf8)) == [.code("12\r34", symbology: nil)])
        var long = SerialLineDecoder()
        #expect(long.feed([UInt8](repeating: 0x31, count: 5000) + [0x0D]).first.map { if case .dropped = $0 { true } else { false } } == true)
        #expect(long.feed(Array("42\r".utf8)) == [.code("42", symbology: nil)], "the next code is whole")
    }

    @Test func aScannerOnATTYDeliversCodesAndEndsWhenItHangsUp() async throws {
        let tty = try PseudoTerminal()
        let catalog = try DeviceProfileCatalog.load(from: repositoryRoot.appendingPathComponent("devices"))
        let profile = try #require(catalog.profile(named: "generic-serial-scanner"))
        #expect(profile.driver == .serialScanner)
        let scanner = SerialScanner(path: tty.path, profile: profile)
        let seen = Mutex<[ScannedCode]>([])
        let opened = Mutex(false)
        let running = Task {
            try await scanner.run(deliver: { code in
                seen.withLock { $0.append(code) }
                return .accepted
            }, onOpen: { opened.withLock { $0 = true } })
        }
        #expect(await eventually(30, every: .milliseconds(10)) { opened.withLock { $0 } })
        try tty.send("5012345678900\r")
        try tty.send("0109501101530003")
        try tty.send("17261231\r")
        #expect(await eventually(30, every: .milliseconds(10)) { seen.withLock { $0.count } == 2 })
        #expect(seen.withLock { $0.map(\.data) } == ["5012345678900", "010950110153000317261231"])
        #expect(seen.withLock { $0.first?.source }?.contains(tty.path) == true)
        tty.hangUp()
        let ended = await running.result
        #expect(throws: SerialError.self) { try ended.get() }
    }

    @Test func aMissingTTYIsAClearError() async {
        let profile = try? DeviceProfileCatalog.load(from: repositoryRoot.appendingPathComponent("devices")).profile(named: "generic-serial-scanner")
        guard let profile else { Issue.record("no generic serial profile"); return }
        let scanner = SerialScanner(path: "/dev/ttyACM-none", profile: profile)
        await #expect { try await scanner.run(deliver: { _ in .accepted }) } throws: { "\($0)".contains("open /dev/ttyACM-none failed") }
    }
}
