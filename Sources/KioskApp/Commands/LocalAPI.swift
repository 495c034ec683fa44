import AsyncHTTPClient
import Foundation

/// A small client for a running kiosk's local API, used by `kiosk scan`. AsyncHTTPClient, which
/// the payment adapters already link, rather than URLSession: FoundationNetworking brings libcurl
/// and its TLS, LDAP and Kerberos libraries into every kiosk process, 4 MB of its idle memory.
public struct LocalAPI: Sendable {
    public let base: String

    public init(base: String) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    public struct Reply: Sendable {
        public struct Failure: Decodable, Sendable {
            public let code: String
            public let message: String
        }
        public let status: Int
        public let error: Failure?
        /// One line about the lane after the call, e.g. "shopping, 3 items, total ¥12.50".
        public let summary: String
    }

    public func post(_ path: String, json body: [String: String]) async throws -> Reply {
        guard URL(string: base + path)?.host != nil else { throw LocalAPIError.badURL(base + path) }
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(try JSONEncoder().encode(body))
        let status: Int
        let data: Data
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            data = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        } catch {
            throw LocalAPIError.unreachable(base, "\(error)")
        }
        struct ErrorBody: Decodable { let error: Reply.Failure }
        if let failure = try? JSONDecoder().decode(ErrorBody.self, from: data) {
            return Reply(status: status, error: failure.error, summary: "")
        }
        struct Brief: Decodable {
            struct Totals: Decodable { let total: String; let itemCount: Int }
            let phase: String
            let totals: Totals
        }
        let brief = try? JSONDecoder().decode(Brief.self, from: data)
        return Reply(status: status, error: nil,
                     summary: brief.map { "\($0.phase), \($0.totals.itemCount) items, total \($0.totals.total)" } ?? "HTTP \(status)")
    }
}

public enum LocalAPIError: Error, CustomStringConvertible {
    case badURL(String)
    case unreachable(String, String)

    public var description: String {
        switch self {
        case .badURL(let url): return "not a URL: \(url)"
        case .unreachable(let base, let why): return "no kiosk answers at \(base): \(why)"
        }
    }
}
