import Hummingbird
import Journal
import NIOCore

/// Reads a sync request's body strictly: the content type the operation takes, a size limit,
/// and (for JSON) an object with exactly the documented keys. Every refusal is a coded error.
public enum SyncBody {
    /// A JSON object of at most `limit` bytes, with no key outside `keys`.
    public static func object(_ request: Request, limit: Int, keys: Set<String>) async throws -> WireObject {
        try requireType(request, "application/json")
        let buffer = try await collect(request, limit: limit)
        let value: JSONValue
        do { value = try JSONValue.parse(String(decoding: buffer.readableBytesView, as: UTF8.self)) } catch {
            throw SyncResponse.Failure(.badRequest, "bad-request", ["field": ""])
        }
        guard case .object(let fields) = value else { throw SyncResponse.Failure(.badRequest, "bad-request", ["field": ""]) }
        if let unknown = fields.keys.sorted().first(where: { !keys.contains($0) }) {
            throw SyncResponse.Failure(.badRequest, "bad-request", ["field": .string(unknown)])
        }
        return try WireObject(value)
    }

    /// Turns a wire-format reading error into `bad-request` naming the field.
    public static func field<T>(_ read: () throws(WireError) -> T) throws -> T {
        do { return try read() } catch { throw SyncResponse.Failure(.badRequest, "bad-request", ["field": .string(error.path)]) }
    }

    public static func requireType(_ request: Request, _ type: String) throws {
        let given = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard given == type else { throw SyncResponse.Failure(.unsupportedMediaType, "unsupported-media-type") }
    }

    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        do { return try await request.body.collect(upTo: limit) } catch {
            throw SyncResponse.Failure(.contentTooLarge, "too-large", ["limit": .int(Int64(limit))])
        }
    }
}
