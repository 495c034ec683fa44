import Hummingbird
import Journal
import KioskTestSupport
import NIOCore
import Sync
import Testing

/// The sync API's request bodies, read strictly by `SyncBody` (what an authenticated but broken or
/// hostile head office could send): every body is an object with only the documented keys, or a
/// coded refusal; nothing traps, nothing deep exhausts the stack.
@Suite struct SyncBodyFuzzTests {
    /// The documented bodies, each with the keys its operation takes.
    static let seeds: [(keys: Set<String>, body: [UInt8])] = [
        (["seq", "hash"], #"{"seq":12,"hash":"\#(String(repeating: "ab", count: 32))"}"#),
        (["staff"], #"{"staff":[{"badge":"STAFF:1","name":"Li","pinSalt":"c2FsdA","pinSHA256":"\#(String(repeating: "0f", count: 32))"}]}"#),
        (["keys"], #"{"keys":[{"id":"ho-2025","publicKey":"/eq1A6Kvrp0xRCdGpLEQovMagm68/W8ynJ46oADo6OM="}]}"#),
        (["ids"], #"{"ids":["SPRING-0042","A","\u4e2d"]}"#),
    ].map { ($0.0, Array($0.1.utf8)) }
    static let tokens: [[UInt8]] = [
        "{", "}", "[", "]", ",", ":", "\"", "\"seq\":", "\"hash\":", "\"ids\":", "\"staff\":", "\"keys\":", "\"x\":1,", "\\u0000",
        "\\ud800", "\\\"", "null", "1.5", "-9007199254740993", "1e999", "\"\"", " ", "\u{FEFF}",
    ].map { Array($0.utf8) }
    static let contentTypes: [String?] = ["application/json", "application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                                          "text/plain", "application/json-patch+json", nil, ";", ""]
    static let limit = 1024
    static let refusals = ["bad-request", "unsupported-media-type", "too-large"]

    struct Input {
        let keys: Set<String>
        let contentType: String?
        let body: [UInt8]
    }

    static func make(_ r: inout SplitMix64) -> Input {
        let seed = r.pick(seeds)
        var body = seed.body
        if r.chance(3) { body = Mutation.deepJSON(1 + r.below(20_000), object: r.chance(50)) }
        if r.chance(85) { Mutation.mutate(&body, &r, tokens: tokens, others: seeds.map(\.body)) }
        return Input(keys: seed.keys, contentType: r.pick(contentTypes), body: body)
    }

    static func check(_ input: Input) async -> Fuzz.Verdict {
        var headers = HTTPFields()
        if let type = input.contentType { headers[.contentType] = type }
        let request = Request(head: HTTPRequest(method: .post, scheme: "https", authority: "lane", path: "/sync/v1/ack", headerFields: headers),
                              body: RequestBody(buffer: ByteBuffer(bytes: input.body)))
        let object: WireObject
        do {
            object = try await SyncBody.object(request, limit: limit, keys: input.keys)
        } catch let failure as SyncResponse.Failure {
            return refusals.contains(failure.code) ? .refused : .wrong("refused with \(failure.code)")
        } catch {
            return .wrong("untyped error \(error)")
        }
        guard input.body.count <= limit, Set(object.fields.keys).isSubset(of: input.keys) else {
            return .wrong("accepted \(input.body.count) bytes with keys \(object.fields.keys.sorted())")
        }
        // What was accepted writes out as JSON that reads back the same.
        let value = JSONValue.object(object.fields)
        guard (try? JSONValue.parse(value.text)) == value else { return .wrong("\(value.text) does not read back") }
        // The acknowledgement's reading, as the route does it: a seq in range or a field named.
        if input.keys == ["seq", "hash"] {
            do {
                let seq = try SyncBody.field { () throws(WireError) in try object.int("seq", in: 1...9_007_199_254_740_991) }
                if seq < 1 { return .wrong("seq \(seq)") }
            } catch let failure as SyncResponse.Failure {
                guard failure.code == "bad-request", failure.parameters["field"] == "seq" else { return .wrong("seq refused as \(failure)") }
            } catch { return .wrong("untyped error \(error)") }
        }
        return .accepted
    }

    @Test func requestBodies() async {
        let report = await Fuzz.run("sync API bodies", seed: 0x5E7C_B0D1, ci: 5_000, make: Self.make,
                                    show: { "\(String(describing: $0.contentType)) \(String(decoding: $0.body, as: UTF8.self).debugDescription)" },
                                    check: Self.check)
        #expect(report.failures.isEmpty, "\(report.failures.joined(separator: "\n"))")
        #expect(report.accepted > report.inputs / 10)
    }
}
