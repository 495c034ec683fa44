import Foundation
import Hummingbird
@testable import KioskApp
import KioskTestSupport
import Testing

/// The page guard's decisions and the receipt-link key, without a server.
struct PageGuardPolicyTests {
    let loopback = PageRequestPolicy(listenHost: "127.0.0.1")

    @Test func hostsAreTheListenersOwnNamesWithItsPort() {
        for authority in ["127.0.0.1:8080", "localhost:8080", "LocalHost:8080", "[::1]:8080"] {
            #expect(loopback.isOwn(authority: authority, port: 8080), "\(authority)")
        }
        for authority in ["127.0.0.1:8081", "127.0.0.1", "127.0.0.1:", "127.0.0.1:+8080", "attacker.example:8080", "127.0.0.2:8080",
                          "localhost.:8080", "[::1]", "[::1]x:8080", "::1:8080", "127.0.0.1:8080@attacker.example", ""] {
            #expect(!loopback.isOwn(authority: authority, port: 8080), "\(authority)")
        }
        // Without a port only on the scheme's default one, as browsers send it.
        #expect(loopback.isOwn(authority: "localhost", port: 80))
        #expect(PageRequestPolicy(listenHost: "0.0.0.0", tls: true).isOwn(authority: "localhost", port: 443))
        // A wildcard listen address is no name; a network listener's configured names are.
        let network = PageRequestPolicy(listenHost: "0.0.0.0", extraHosts: ["Lane1.Store.example"], tls: true)
        #expect(!network.isOwn(authority: "0.0.0.0:8443", port: 8443))
        #expect(network.isOwn(authority: "lane1.store.example:8443", port: 8443))
        #expect(PageRequestPolicy(listenHost: "::1").isOwn(authority: "[::1]:8080", port: 8080))
        #expect(PageRequestPolicy(listenHost: "192.0.2.7").isOwn(authority: "192.0.2.7:8080", port: 8080))
    }

    @Test func postsNeedNoForeignOriginAndJSON() {
        func refusal(_ method: HTTPRequest.Method, _ path: String = "/api/pay", origin: String?, type: String?) -> APIErrorCode? {
            loopback.refusal(method: method, path: path, authority: "127.0.0.1:8080", origin: origin, contentType: type, port: 8080)?.code
        }
        #expect(refusal(.post, origin: "http://127.0.0.1:8080", type: "application/json") == nil)
        #expect(refusal(.post, origin: "http://localhost:8080", type: "Application/JSON; charset=utf-8") == nil)
        #expect(refusal(.post, origin: nil, type: "application/json") == nil)
        #expect(refusal(.post, origin: "http://attacker.example", type: "application/json") == .foreignOrigin)
        #expect(refusal(.post, origin: "null", type: "application/json") == .foreignOrigin)
        #expect(refusal(.post, origin: "https://127.0.0.1:8080", type: "application/json") == .foreignOrigin)
        #expect(refusal(.delete, origin: "http://attacker.example", type: nil) == .foreignOrigin)
        for type in [nil, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonp"] {
            #expect(refusal(.post, origin: nil, type: type) == .notJSON, "\(type ?? "none")")
        }
        // Reading is free of Origin and type; the WebSocket upgrade (a GET) is not free of Origin.
        #expect(refusal(.get, "/api/state", origin: "http://attacker.example", type: nil) == nil)
        #expect(refusal(.get, "/ws", origin: "http://attacker.example", type: nil) == .foreignOrigin)
        #expect(refusal(.get, "/ws", origin: nil, type: nil) == nil)
        #expect(loopback.refusal(method: .get, path: "/", authority: nil, origin: nil, contentType: nil, port: 8080)?.code == .foreignHost)
    }

    @Test func theContentSecurityPolicyNamesOnlyTheCheckedWebSocket() {
        let policy = PageGuard.contentSecurityPolicy(webSocket: "ws://127.0.0.1:8080")
        #expect(policy.contains("connect-src 'self' ws://127.0.0.1:8080;"))
        #expect(policy.contains("frame-ancestors 'none'"))
        #expect(!PageGuard.contentSecurityPolicy(webSocket: nil).contains("ws:"))
    }

    @Test func receiptLinkSecretsAre128BitsPerSaleAndTheKeyIsPrivate() throws {
        try withTemporaryDirectory { folder in
            let key = try ReceiptLinkKey.loadOrCreate(stateDirectory: folder)
            let secret = key.secret(forSale: "L01-1")
            #expect(secret.count == 22)
            #expect(secret != key.secret(forSale: "L01-2"))
            #expect(key.opens(saleID: "L01-1", with: secret))
            #expect(!key.opens(saleID: "L01-2", with: secret))
            #expect(!key.opens(saleID: "L01-1", with: String(secret.dropLast())))
            #expect(!key.opens(saleID: "L01-1", with: nil))
            // The same key after a restart; another lane's key opens nothing here.
            #expect(try ReceiptLinkKey.loadOrCreate(stateDirectory: folder).secret(forSale: "L01-1") == secret)
            let other = try temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: other) }
            #expect(try ReceiptLinkKey.loadOrCreate(stateDirectory: other).secret(forSale: "L01-1") != secret)
            let path = folder.appendingPathComponent(ReceiptLinkKey.fileName).path
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
            // A key other users can read is refused, not used.
            chmod(path, 0o644)
            #expect(throws: (any Error).self) { try ReceiptLinkKey.loadOrCreate(stateDirectory: folder) }
        }
    }
}
