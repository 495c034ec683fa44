import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// One HTTPS POST to a terminal or wallet gateway, the only way Payments talks to the network.
/// Errors say whether the request can have arrived (TerminalFailure); an HTTP status other than
/// 200 is `httpStatus`.
struct GatewayHTTP: Sendable {
    let tls: TLSConfiguration

    struct Status: Error, Equatable, CustomStringConvertible {
        let code: Int
        var description: String { "HTTP \(code)" }
    }

    /// `caFile`: the authority that signed the other side's certificate; the system's when nil.
    init(caFile: String?) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile { tls.trustRoots = .file(caFile) }
        self.tls = tls
    }

    /// One client for the process (never shut down, like `HTTPClient.shared`), with a short
    /// connect timeout: on the store network a terminal that does not accept a connection in 3 s
    /// is not there (AsyncHTTPClient retries a refused connection until then), and the shopper
    /// should hear so before the payment timeout (at least 5 s) takes it for a lost answer.
    static let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                   configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(3))))

    func post(_ url: String, body: Data, contentType: String, timeout: Duration, limit: Int = 1 << 20) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.body = .bytes(ByteBuffer(bytes: body))
        request.tlsConfiguration = tls
        let response: HTTPClientResponse
        let received: ByteBuffer
        do {
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            response = try await Self.client.execute(request, timeout: .nanoseconds(nanoseconds))
            received = try await response.body.collect(upTo: limit)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TerminalFailure.classify(error, terminal: url)
        }
        guard response.status == .ok else { throw Status(code: Int(response.status.code)) }
        return Data(received.readableBytesView)
    }
}
