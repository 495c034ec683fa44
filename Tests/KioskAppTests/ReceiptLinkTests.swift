import Foundation
import Journal
import KioskTestSupport
import Testing

/// Receipt links (issue 15, item 6): a sale's receipt is served only for its 128-bit link secret,
/// never for the 32-bit integrity code printed on the paper; wrong links are rate-limited per
/// address; the secret is stored nowhere (not the journal head office pulls, not the log).
@Suite(.serialized) struct ReceiptLinkTests {
    @Test func aReceiptOpensOnlyWithItsSecretAndGuessingIsCutShort() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let kiosk = try await KioskProcess(stateDirectory: state)
        defer { if kiosk.process.isRunning { kiosk.kill9() } } // only when an expectation threw before the stop
        let api = APIClient(base: kiosk.baseURL)

        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        #expect(try await api.scan(try #require(items.first?["code"] as? String)).status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        let done = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" })
        let sale = try #require(done["sale"] as? [String: Any])
        let saleID = try #require(sale["id"] as? String)
        let textLink = try #require(sale["receiptText"] as? String)
        let secret = String(try #require(textLink.split(separator: "?k=").last))
        #expect(textLink == "/receipts/\(saleID).txt?k=\(secret)")
        #expect(secret.count == 22 && secret.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) // 128 bits, base64url

        func get(_ path: String, from source: String = "127.0.0.1") async throws -> CurlReply {
            try await curl(kiosk.baseURL + path, in: folder, extra: ["--interface", source])
        }
        #expect(try await get(textLink).status == "200")
        #expect(try await get("/receipts/\(saleID).svg?k=\(secret)").body.contains("<svg"))

        // The old key, the printed integrity code, no longer opens anything.
        let journal = try LaneJournal(path: state.appendingPathComponent("journal.sqlite").path)
        let code = try #require(try journal.integrityCode(forSale: saleID))
        for query in ["?c=\(code)", "?k=\(code)", "?k=\(code.lowercased())", ""] {
            let reply = try await get("/receipts/\(saleID).txt" + query)
            #expect(reply.status == "404", "\(query): \(reply.status)")
            #expect(reply.body.contains(#""code":"no-such-receipt""#))
        }
        // A wrong secret of the right length: one character off, then a random one.
        let flipped = String(secret.dropLast()) + (secret.last == "A" ? "B" : "A")
        for wrong in [flipped, String((0..<22).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".randomElement()! })] {
            #expect(try await get("/receipts/\(saleID).txt?k=\(wrong)").status == "404")
        }

        // Guessing on: after 20 wrong links in a minute the address gets 429 for every receipt,
        // the right link included (or a guess would show when it hit); other addresses do not.
        var statuses: [String] = []
        for guess in 0..<20 { statuses.append(try await get("/receipts/\(saleID).txt?k=\(String(format: "%022d", guess))").status) }
        #expect(statuses.filter { $0 == "404" }.count == 14) // 6 failures above, 14 here make 20
        #expect(statuses.suffix(6).allSatisfy { $0 == "429" })
        let limited = try await get(textLink)
        #expect(limited.status == "429")
        #expect(limited.body.contains(#""code":"too-many-attempts""#))
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 > 0)
        #expect(try await get(textLink, from: "127.0.0.2").status == "200")

        // The secret was never written down: not in the journal (head office pulls it), not in
        // any other file of the state folder, not in the log.
        #expect(await kiosk.stop() == 0)
        #expect(!kiosk.log.contains(secret))
        let files = try #require(FileManager.default.enumerator(at: state, includingPropertiesForKeys: nil)).compactMap { $0 as? URL }
        #expect(files.contains { $0.lastPathComponent == "journal.sqlite" })
        for file in files {
            let bytes = (try? Data(contentsOf: file)) ?? Data()
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file.lastPathComponent) holds the link secret")
        }
        // The key it is derived from is private to the kiosk's user.
        let key = try FileManager.default.attributesOfItem(atPath: state.appendingPathComponent("receipt-link.key").path)
        #expect((key[.posixPermissions] as? Int) == 0o600)
    }

    /// The e-receipt QR, the page's links and `kiosk receipt preview` all carry the one secret.
    @Test func theQRThePageAndTheReceiptCommandShareTheSecret() async throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state")
        let config = folder.appendingPathComponent("kiosk.json")
        try Data(#"{"eReceiptBaseURL": "https://receipts.example/r/"}"#.utf8).write(to: config)
        let kiosk = try await KioskProcess(stateDirectory: state, extraArguments: ["--config", config.path])
        defer { if kiosk.process.isRunning { kiosk.kill9() } } // only when an expectation threw before the stop
        let api = APIClient(base: kiosk.baseURL)
        let items = try #require(JSONSerialization.jsonObject(with: Data(try await api.get("/api/demo/items").text.utf8)) as? [[String: Any]])
        #expect(try await api.scan(try #require(items.first?["code"] as? String)).status == 200)
        #expect(try await api.post("/api/pay").status == 200)
        let sale = try #require(try await api.waitForState { $0["phase"] as? String == "receipt" }?["sale"] as? [String: Any])
        let saleID = try #require(sale["id"] as? String)
        let secret = String(try #require((sale["receiptText"] as? String)?.split(separator: "?k=").last))
        let eReceipt = "https://receipts.example/r/\(saleID)?k=\(secret)"
        #expect(sale["eReceiptURL"] as? String == eReceipt)
        #expect(try await api.get(try #require(sale["eReceiptQR"] as? String)).status == 200)
        #expect(await kiosk.stop() == 0)

        // The receipt as `kiosk receipt preview` renders it; its QR code read back with zbar.
        let png = folder.appendingPathComponent("receipt.png")
        let preview = try await run(KioskProcess.binary.path, ["receipt", "preview", saleID, "--format", "png", "--output", png.path,
                                                               "--state-dir", state.path, "--config", config.path,
                                                               "--assets", repositoryRoot.appendingPathComponent("assets").path],
                                    in: folder, mergingErrors: true)
        #expect(preview.status == 0, "\(preview.output)")
        let scanned = try await run("zbarimg", ["--raw", "-q", png.path], in: folder)
        #expect(scanned.output.split(separator: "\n").contains(Substring(eReceipt)), "\(scanned.output)")
        let journal = try Data(contentsOf: state.appendingPathComponent("journal.sqlite"))
        #expect(journal.range(of: Data(secret.utf8)) == nil)
    }
}
