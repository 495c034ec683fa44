import Foundation
import Testing
@testable import Sync

@Suite struct SyncSettingsTests {
    static let hash = String(repeating: "ab", count: 32)
    static let otherHash = String(repeating: "CD", count: 32)
    static let tls = #""tls": {"certificate": "/etc/kiosk/cert.pem", "key": "/etc/kiosk/key.pem"}"#

    func settings(_ json: String) throws -> SyncSettings {
        let settings = try JSONDecoder().decode(SyncSettings.self, from: Data(json.utf8))
        try settings.validate()
        return settings
    }

    @Test func aLoopbackListenerWithATokenNeedsNoTLS() throws {
        let settings = try settings(#"{"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "\#(Self.hash)"}]}"#)
        #expect(settings.tokens == [.init(name: "hq", sha256: Self.hash)])
        #expect(try settings.address == ListenAddress("127.0.0.1:8443"))
        #expect(settings.tls == nil && settings.clientCertificates.isEmpty)
    }

    @Test func everyFieldIsRead() throws {
        let settings = try settings(#"""
            {"listen": "0.0.0.0:8443", \#(Self.tls),
             "tokens": [{"name": "hq", "sha256": "\#(Self.hash)"}],
             "clientCertificates": [{"name": "hq-collector", "sha256": "\#(Self.otherHash)"}]}
            """#)
        #expect(settings.tls == .init(certificate: "/etc/kiosk/cert.pem", key: "/etc/kiosk/key.pem"))
        #expect(settings.clientCertificates.map(\.name) == ["hq-collector"])
        // Upper-case hex is the same digest.
        #expect(settings.clientCertificates[0].digest == [UInt8](repeating: 0xCD, count: 32))
    }

    @Test(arguments: [
        // A network address without TLS: tokens would cross the network in clear.
        (#"{"listen": "0.0.0.0:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.tls is required"),
        (#"{"listen": "192.168.1.20:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.tls is required"),
        (#"{"listen": "[fe80::1]:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.tls is required"),
        // Looks like loopback, is not: a host name under someone else's control.
        (#"{"listen": "127.0.0.1.example.com:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.tls is required"),
        (#"{"listen": "127.0.0.1:8443"}"#, "at least one credential"),
        (#"{"listen": "0.0.0.0:8443", \#(tls)}"#, "at least one credential"),
        (#"{"listen": "127.0.0.1:8443", "clientCertificates": [{"name": "c", "sha256": "\#(hash)"}]}"#, "clientCertificates need tls"),
        (#"{"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "abc"}]}"#, "sync.tokens[0].sha256 must be 64 hex digits"),
        (#"{"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "\#(String(repeating: "g", count: 64))"}]}"#, "64 hex digits"),
        (#"{"listen": "127.0.0.1:8443", "tokens": [{"name": "h q", "sha256": "\#(hash)"}]}"#, "sync.tokens[0].name must be"),
        (#"{"listen": "127.0.0.1:8443", "tokens": [{"name": "", "sha256": "\#(hash)"}]}"#, "sync.tokens[0].name must be"),
        (#"{"listen": "127.0.0.1:8443", "tokens": [{"name": "a", "sha256": "\#(hash)"}, {"name": "a", "sha256": "\#(otherHash)"}]}"#,
         #"the name "a" is used twice"#),
        (#"{"listen": "0.0.0.0:8443", \#(tls), "tokens": [{"name": "a", "sha256": "\#(hash)"}], "clientCertificates": [{"name": "a", "sha256": "\#(otherHash)"}]}"#,
         #"the name "a" is used twice"#),
        (#"{"listen": "127.0.0.1:8443", "tokens": [{"name": "a", "sha256": "\#(hash)"}, {"name": "b", "sha256": "\#(hash)"}]}"#,
         "lists the same sha256 twice"),
        (#"{"listen": "0.0.0.0:8443", "tls": {"certificate": "cert.pem", "key": "/k.pem"}, "tokens": [{"name": "a", "sha256": "\#(hash)"}]}"#,
         "sync.tls.certificate must be an absolute path"),
        (#"{"listen": "8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.listen must be HOST:PORT"),
        (#"{"listen": ":8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.listen must name a host"),
        (#"{"listen": "127.0.0.1:", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.listen must end with a port"),
        (#"{"listen": "127.0.0.1:65536", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.listen must end with a port"),
        (#"{"listen": "127.0.0.1:+80", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.listen must end with a port"),
        (#"{"listen": "::1:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "must put an IPv6 address in brackets"),
        (#"{"listen": "[localhost]:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "not an IPv6 address"),
        (#"{"listen": "host name:8443", "tokens": [{"name": "hq", "sha256": "\#(hash)"}]}"#, "sync.listen must name a host"),
    ])
    func badSettingsAreRefusedWithTheirReason(json: String, reason: String) throws {
        #expect {
            _ = try settings(json)
        } throws: { error in
            (error as? SyncSettingsError)?.message.contains(reason) == true
        }
    }

    @Test(arguments: [
        #"{"listen": "127.0.0.1:8443", "token": []}"#,
        #"{"listen": "0.0.0.0:8443", "tls": {"certificate": "/c", "key": "/k", "ca": "/x"}, "tokens": []}"#,
        #"{"listen": "127.0.0.1:8443", "tokens": [{"name": "hq", "sha256": "x", "comment": "y"}]}"#,
        #"{"listen": "127.0.0.1:8443", "clientCertificates": [{"name": "hq", "fingerprint": "x"}]}"#,
    ])
    func unknownFieldsAreRefusedAtEveryLevel(json: String) {
        #expect {
            _ = try JSONDecoder().decode(SyncSettings.self, from: Data(json.utf8))
        } throws: { error in
            "\(error)".contains("unknown setting")
        }
    }

    @Test func listenIsRequired() {
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode(SyncSettings.self, from: Data(#"{"tokens": []}"#.utf8))
        }
    }

    @Test(arguments: [
        ("127.0.0.1:0", true), ("127.200.3.4:1", true), ("localhost:8443", true), ("LocalHost:8443", true), ("[::1]:8443", true),
        ("[0:0:0:0:0:0:0:1]:8443", true), ("0.0.0.0:8443", false), ("[::]:8443", false), ("10.0.0.1:8443", false),
        ("[::ffff:127.0.0.1]:8443", false), ("0x7f.0.0.1:8443", false), ("kiosk.local:8443", false), ("128.0.0.1:1", false),
    ])
    func loopbackIsThisMachineOnly(listen: String, loopback: Bool) throws {
        #expect(try ListenAddress(listen).isLoopback == loopback)
    }

    @Test func anIPv6HostIsBracketedInURLs() throws {
        let address = try ListenAddress("[::1]:8443")
        #expect(address.host == "::1")
        #expect(address.urlHost == "[::1]")
        #expect(address.port == 8443)
    }
}
