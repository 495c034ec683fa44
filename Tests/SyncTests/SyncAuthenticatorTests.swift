import Crypto
import Foundation
import KioskTestSupport
import Testing
@testable import Sync

@Suite struct SyncTokenTests {
    @Test func aNewTokenIsPrefixedBase64urlOf32RandomBytes() throws {
        let tokens = (0..<64).map { _ in SyncToken.generate() }
        #expect(Set(tokens.map(\.text)).count == tokens.count)
        for token in tokens {
            #expect(token.text.count == 47)
            #expect(token.text.hasPrefix("kst_"))
            #expect(SyncToken(token.text) == token, "\(token.text)")
            var base64 = token.text.dropFirst(4).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            base64 += "="
            #expect(Data(base64Encoded: base64)?.count == 32)
        }
    }

    @Test func theStoredHashIsTheSHA256OfTheTokensText() async throws {
        let token = SyncToken(bytes: Array(0..<32))
        #expect(token.text == "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
        // The same digest as `printf %s TOKEN | sha256sum` gives: what an operator can check by hand.
        let sha256sum = try await withTemporaryDirectory { folder in
            try await run("sh", ["-c", "printf %s \"$0\" | sha256sum", token.text], in: folder)
        }
        #expect(sha256sum.status == 0)
        #expect(token.sha256Hex == String(sha256sum.output.prefix(64)))
        #expect(!"\(token)".contains(token.text))
    }

    @Test(arguments: [
        "", "kst_", "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",           // 42 characters
        "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A",                       // 44
        "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",                       // padding
        "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9",                        // spare bits set: not canonical
        "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH+8",                        // base64, not base64url
        "KST_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "xyz_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        " kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8 ",
        "kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHé8",
    ])
    func malformedTokensDoNotParse(text: String) {
        #expect(SyncToken(text) == nil)
    }

    @Test func constantTimeEqualityIsEquality() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([9, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2], [1, 2, 3]))
        #expect(constantTimeEqual([], []))
    }
}

@Suite struct SyncAuthenticatorTests {
    let hq = SyncToken.generate()
    let backup = SyncToken.generate()
    let listedCertificate: [UInt8] = Array("listed certificate DER".utf8)

    var authenticator: SyncAuthenticator {
        SyncAuthenticator(settings: SyncSettings(
            listen: "0.0.0.0:8443", tls: .init(certificate: "/c.pem", key: "/k.pem"),
            tokens: [.init(name: "hq", sha256: hq.sha256Hex), .init(name: "backup", sha256: backup.sha256Hex.uppercased())],
            clientCertificates: [.init(name: "collector", sha256: SHA256.hash(data: listedCertificate).map { String(format: "%02x", $0) }.joined())]))
    }

    func check(_ headers: [String], certificate: [UInt8]? = nil) -> Result<SyncCredential, SyncRefusal> {
        authenticator.authenticate(authorization: headers, clientCertificateDER: certificate)
    }

    @Test func theRightTokenNamesItsClient() {
        #expect(check(["Bearer \(hq.text)"]) == .success(SyncCredential(name: "hq", kind: .token)))
        #expect(check(["Bearer \(backup.text)"]) == .success(SyncCredential(name: "backup", kind: .token)))
        // The scheme is case-insensitive (RFC 9110).
        #expect(check(["bearer \(hq.text)"]) == .success(SyncCredential(name: "hq", kind: .token)))
    }

    @Test func aWrongTokenIsUnknown() {
        #expect(check(["Bearer \(SyncToken.generate().text)"]) == .failure(.unknownToken))
        // Right length and form, one character off.
        var text = Array(hq.text)
        text[10] = text[10] == "A" ? "B" : "A"
        #expect(check(["Bearer \(String(text))"]) == .failure(.unknownToken))
    }

    @Test(arguments: ["", "Bearer", "Bearer ", "Basic aGk6dGhlcmU=", "Token kst_x", "Bearer kst_short", "Bearer  kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
                      "Bearerkst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", "Bearer kst_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8, x"])
    func aMalformedHeaderIsRefused(header: String) {
        #expect(check([header]) == .failure(.malformedAuthorization))
    }

    @Test func twoAuthorizationHeadersAreMalformed() {
        #expect(check(["Bearer \(hq.text)", "Bearer \(hq.text)"]) == .failure(.malformedAuthorization))
    }

    @Test func nothingIsMissingCredentials() {
        #expect(check([]) == .failure(.missingCredentials))
    }

    @Test func aListedClientCertificateNamesItsClient() {
        #expect(check([], certificate: listedCertificate) == .success(SyncCredential(name: "collector", kind: .clientCertificate)))
    }

    @Test func anUnlistedClientCertificateIsUnknown() {
        #expect(check([], certificate: Array("another certificate".utf8)) == .failure(.unknownClientCertificate))
        #expect(check([], certificate: []) == .failure(.unknownClientCertificate))
    }

    @Test func everyCredentialPresentedMustBeValid() {
        #expect(check(["Bearer \(SyncToken.generate().text)"], certificate: listedCertificate) == .failure(.unknownToken))
        #expect(check(["Bearer \(hq.text)"], certificate: Array("stranger".utf8)) == .failure(.unknownClientCertificate))
        #expect(check(["Bearer \(hq.text)"], certificate: listedCertificate) == .success(SyncCredential(name: "hq", kind: .token)))
    }

    @Test func refusalsSayWhyWithoutWhatWasSent() {
        #expect(SyncRefusal.unknownToken.description == "unknown token")
        #expect(SyncRefusal.missingCredentials.description == "missing credentials")
        #expect(SyncRefusal.unknownClientCertificate.description == "unknown client certificate")
    }
}
