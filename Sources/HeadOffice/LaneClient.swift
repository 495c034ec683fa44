import AsyncHTTPClient
import Deadlines
import Foundation
import Journal
import NIOCore
import NIOSSL

/// Why a call to a lane failed, as a code and a detail for the log and `status` (never the
/// credential, never the answer's content).
public struct LaneCallError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// No answer: refused connection, DNS, TLS handshake (an untrusted certificate...).
        case unreachable
        /// No complete answer in time.
        case timeout
        /// An answer larger than the limit.
        case tooLarge = "too-large"
        /// An answer that is not what docs/sync-api.yaml says.
        case invalidAnswer = "invalid-answer"
        /// An error answer: `status` and the lane's `laneCode`.
        case refused
        /// The credential file could not be read, or holds no token.
        case credential
    }

    public let code: Code
    public let detail: String
    public var status: Int? = nil
    public var laneCode: String? = nil
    /// With `409 cursor-beyond-head`: the lane's newest seq.
    public var newestSeq: Int64? = nil

    public var description: String { "\(code.rawValue): \(detail)" }
}

/// Head office's side of the sync API (docs/sync-api.yaml) for one enrolled lane: HTTPS trusting
/// the lane's CA (or the system's), the bearer token read from its file at each call, or a client
/// certificate; every call bounded in time and in the size of its answer.
public struct LaneClient: Sendable {
    public let lane: EnrolledLane
    let http: HTTPClient
    /// The whole call, the answer's body included.
    let timeout: Duration

    public init(lane: EnrolledLane, http: HTTPClient, timeout: Duration = .seconds(60)) {
        self.lane = lane
        self.http = http
        self.timeout = timeout
    }

    /// A small answer (status, acknowledgement, error).
    static let smallAnswer = 64 * 1024
    /// Beyond the page's `maxBytes`: the event that crossed it, and the page's frame.
    static let pageSlack = 8 * 1024 * 1024

    public func status() async throws -> LaneStatus {
        let body = try await call("GET", "/sync/v1/lane", limit: Self.smallAnswer)
        do { return try SyncWire.laneStatus(body) } catch { throw LaneCallError(code: .invalidAnswer, detail: "getLane \(error)") }
    }

    public func events(after: Int64, limit: Int, maxBytes: Int) async throws -> EventPage {
        let body = try await call("GET", "/sync/v1/events?after=\(after)&limit=\(limit)&maxBytes=\(maxBytes)",
                                  limit: maxBytes + Self.pageSlack)
        do { return try SyncWire.eventPage(body) } catch { throw LaneCallError(code: .invalidAnswer, detail: "getEvents \(error)") }
    }

    /// Returns the lane's backlog after it.
    @discardableResult
    public func acknowledge(seq: Int64, hash: [UInt8]) async throws -> Int64 {
        let body = try await call("POST", "/sync/v1/ack", json: "{\"seq\":\(seq),\"hash\":\"\(Hex.encode(hash))\"}", limit: Self.smallAnswer)
        struct Result: Decodable { let backlog: Int64 }
        guard let result = try? JSONDecoder().decode(Result.self, from: body), result.backlog >= 0 else {
            throw LaneCallError(code: .invalidAnswer, detail: "acknowledge: no backlog")
        }
        return result.backlog
    }

    /// Coupon ids redeemed elsewhere, which this lane must refuse from now on.
    public func postRedeemedCoupons(_ ids: [String]) async throws {
        let list = ids.map { JSONValue.string($0) }
        _ = try await call("POST", "/sync/v1/redeemed-coupons", json: JSONValue.object(["ids": .array(list)]).text, limit: Self.smallAnswer)
    }

    func call(_ method: String, _ path: String, json: String? = nil, limit: Int) async throws -> Data {
        try await call(method, path, content: json.map { (Data($0.utf8), "application/json") }, limit: limit)
    }

    /// `content`: the body and its type (head office's pushes send CSV too).
    func call(_ method: String, _ path: String, content: (bytes: Data, type: String)?, limit: Int) async throws -> Data {
        var request = HTTPClientRequest(url: lane.address.absoluteString.trimmingSuffix("/") + path)
        switch method {
        case "POST": request.method = .POST
        case "PUT": request.method = .PUT
        default: request.method = .GET
        }
        request.tlsConfiguration = try tls()
        if case .tokenFile(let file) = lane.credential {
            request.headers.add(name: "Authorization", value: "Bearer \(try Self.token(file))")
        }
        if let content {
            request.headers.add(name: "Content-Type", value: content.type)
            request.body = .bytes(ByteBuffer(data: content.bytes))
        }
        let name = "\(method) \(path.prefix { $0 != "?" })"
        let prepared = request
        let expired: @Sendable () -> any Error = { [timeout] in LaneCallError(code: .timeout, detail: "\(name): no complete answer in \(timeout)") }
        let (status, body) = try await withDeadline(timeout, expired: expired) { [http, timeout] in
            do {
                let response = try await http.execute(prepared, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > limit {
                    throw LaneCallError(code: .tooLarge, detail: "\(name): \(length) bytes, more than \(limit)")
                }
                let body = try await response.body.collect(upTo: limit)
                return (Int(response.status.code), Data(body.readableBytesView))
            } catch let error as LaneCallError {
                throw error
            } catch let error as NIOTooManyBytesError {
                _ = error
                throw LaneCallError(code: .tooLarge, detail: "\(name): more than \(limit) bytes")
            } catch let error as HTTPClientError where [.deadlineExceeded, .readTimeout, .connectTimeout].contains(error) {
                throw LaneCallError(code: .timeout, detail: "\(name): \(error)")
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw LaneCallError(code: .unreachable, detail: "\(name): \(error)")
            }
        }
        guard status == 200 else {
            let answer = SyncWire.errorCode(body)
            throw LaneCallError(code: .refused, detail: "\(name): \(status) \(answer?.code ?? "no error code")", status: status,
                                laneCode: answer?.code, newestSeq: answer?.newestSeq)
        }
        return body
    }

    /// TLS for this lane: its CA (or the system's trust store), and its client certificate.
    func tls() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca = lane.caFile { tls.trustRoots = .file(ca) }
        if case .clientCertificate(let certificate, let key) = lane.credential {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw LaneCallError(code: .credential, detail: "client certificate or key unreadable")
            }
        }
        return tls
    }

    /// The bearer token, read at each call (it may be rotated): one line of printable ASCII.
    static func token(_ file: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: file), data.count <= 4096 else {
            throw LaneCallError(code: .credential, detail: "token file \(file) unreadable")
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw LaneCallError(code: .credential, detail: "token file \(file) holds no token")
        }
        return token
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
