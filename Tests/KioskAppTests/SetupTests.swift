import Foundation
import KioskTestSupport
import Sync
import Testing
@testable import KioskApp

@Suite struct ConfigTests {
    func write(_ json: String) throws -> URL {
        let url = try temporaryDirectory().appendingPathComponent("kiosk.json")
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test func anEmptyConfigMeansTheDefaults() throws {
        #expect(try KioskConfig.load(write("{}")) == KioskConfig())
    }

    @Test func theSyncSettingIsRead() throws {
        let hash = String(repeating: "ab", count: 32)
        let config = try KioskConfig.load(write(#"{"sync": {"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}}"#))
        #expect(config.sync == SyncSettings(listen: "127.0.0.1:8443", tokens: [.init(name: "hq", sha256: hash)]))
        #expect(try KioskConfig.load(write("{}")).sync == nil)
    }

    @Test func settingsAreRead() throws {
        let config = try KioskConfig.load(write(#"{"laneID": "L07", "printerProfile": "generic-58mm", "paymentTimeoutSeconds": 30, "eReceiptBaseURL": "https://r.example/r/"}"#))
        #expect(config.laneID == "L07")
        #expect(config.printerProfile == "generic-58mm")
        #expect(config.eReceiptBaseURL == "https://r.example/r/")
        #expect(config.paymentTimeoutSeconds == 30)
    }

    @Test(arguments: [
        (#"{"printerProfile": "../etc/passwd"}"#, "printerProfile must name"),
        (#"{"eReceiptBaseURL": "ftp://x"}"#, "eReceiptBaseURL must be"),
        (#"{"laneID": "L 1"}"#, "laneID must be"),
        (#"{"paymentTimeoutSeconds": "sixty"}"#, "paymentTimeoutSeconds: expected"),
        (#"{"payment_timeout": 5}"#, "unknown setting \"payment_timeout\""),
        (#"{"staff": [{"badge": "1", "name": "A", "pinSalt": "s", "pinSHA256": "abc"}]}"#, "64-hex-digit"),
        (#"[1, 2]"#, "must be a JSON object"),
        (#"{"laneID": "#, "is not valid JSON"),
        (#"{"sync": {"listen": "0.0.0.0:8443", "tokens": [{"name": "hq", "sha256": "\#(String(repeating: "0", count: 64))"}]}}"#,
         "sync.tls is required: 0.0.0.0 is not a loopback address"),
        (#"{"sync": {"listen": "127.0.0.1:8443"}}"#, "sync needs at least one credential"),
        (#"{"sync": {"listen": "127.0.0.1:8443", "tokenz": []}}"#, #"sync: unknown setting "tokenz""#),
        (#"{"sync": {"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "x"}]}}"#, "sync.tokens[0].sha256 must be 64 hex digits"),
    ])
    func badSettingsAreRefusedWithTheirReason(json: String, reason: String) throws {
        let url = try write(json)
        do {
            _ = try KioskConfig.load(url)
            Issue.record("accepted \(json)")
        } catch {
            #expect("\(error)".contains(reason), "\(error)")
            #expect("\(error)".contains(url.path))
        }
    }
}

@Suite struct StoreSetupTests {
    @Test func aCorruptCatalogRowIsReportedByLineAndTheRestImported() throws {
        let directory = try temporaryDirectory()
        let assets = repositoryRoot.appendingPathComponent("assets/demo")
        let catalog = directory.appendingPathComponent("catalog.csv")
        try Data("""
            gtin,name_en,name_zh,price,member_price,tax,min_age,multibuy,pricing
            4006381333931,Pencil,铅笔,1.50,,A,,,unit
            4006381333932,Bad check digit,,1.50,,A,,,unit
            036000291452,Tissues,纸巾,12.3.4,,A,,,unit
            96385074,Eraser,橡皮,2.00,,A,,,unit

            """.utf8).write(to: catalog)
        let setup = try StoreSetup.load(store: assets.appendingPathComponent("store.json"), catalog: catalog)
        #expect(setup.catalog.items.map(\.name.en) == ["Pencil", "Eraser"])
        #expect(setup.rejectedRows.map(\.line) == [3, 4])
    }

    @Test func aBrokenStoreProfileStopsStartUpWithItsReason() throws {
        let directory = try temporaryDirectory()
        let store = directory.appendingPathComponent("store.json")
        try Data(#"{"name": {"en": "X"}, "address": [], "currency": {"code": "CNY", "minorDigits": 2}, "taxRates": "13%"}"#.utf8).write(to: store)
        #expect {
            _ = try StoreSetup.load(store: store, catalog: directory.appendingPathComponent("catalog.csv"))
        } throws: { error in
            "\(error)".contains("taxRates") && "\(error)".contains(store.path)
        }
    }
}
