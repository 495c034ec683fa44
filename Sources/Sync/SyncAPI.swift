import Hummingbird
import Logging

/// The operations of docs/sync-api.yaml, by path and method (a test checks this against the
/// document). What a request the routes do not take is told depends on it: a path the API does
/// not have is `404 not-found`, a method its path does not take is `405 method-not-allowed` with
/// `Allow`, and an operation of the document this lane has no route for is `501 not-implemented`.
public enum SyncAPI {
    public static let operations: [String: [HTTPRequest.Method]] = [
        "/sync/v1/lane": [.get],
        "/sync/v1/events": [.get],
        "/sync/v1/ack": [.post],
        "/sync/v1/catalog": [.put],
        "/sync/v1/coupon-keys": [.put],
        "/sync/v1/staff": [.put],
        "/sync/v1/redeemed-coupons": [.post],
        "/sync/v1/scans": [.post],
        "/sync/v1/openapi.yaml": [.get],
        "/metrics": [.get],
    ]
}

/// Every answer of the sync listener that is not a route's own is still a coded error
/// (`{"error":{"code":...}}`): no route for the path or method, an `HTTPError` from Hummingbird,
/// and anything unexpected a route throws (logged here, answered `500 internal-error`).
struct SyncErrorMiddleware: RouterMiddleware {
    typealias Context = SyncRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as SyncResponse.Failure {
            throw failure
        } catch let error as HTTPError where error.status == .notFound && context.coreContext.endpointPath.value == "NotFound" {
            // The router has no route for this path and method.
            guard let methods = SyncAPI.operations[request.uri.path] else { throw SyncResponse.Failure(.notFound, "not-found") }
            guard methods.contains(request.method) else {
                return SyncResponse.json(.methodNotAllowed, .object(["error": .object(["code": "method-not-allowed"])]),
                                         headers: [.allow: methods.map(\.rawValue).joined(separator: ", ")])
            }
            throw SyncResponse.Failure(.notImplemented, "not-implemented")
        } catch let error as HTTPError {
            throw SyncResponse.Failure(error.status, Self.code(error.status))
        } catch {
            // A route must not fail like this; the client gets a code, the log the reason (never the
            // request's headers or query, which could hold a token).
            context.logger.error("sync route failed", metadata: ["method": "\(request.method)", "path": "\(request.uri.path)",
                                                                 "error": "\(error)"])
            throw SyncResponse.Failure(.internalServerError, "internal-error")
        }
    }

    static func code(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: "bad-request"
        case .notFound: "not-found"
        case .contentTooLarge: "too-large"
        case .unsupportedMediaType: "unsupported-media-type"
        case .internalServerError: "internal-error"
        default: "http-\(status.code)"
        }
    }
}
