import Hummingbird
import Journal
import Peripherals
import Sync

/// An integrator's scans (`POST /sync/v1/scans`, docs/sync-api.yaml): a code as a scanner would
/// deliver it, from a credential that `sync.scanInjectors` names. Outside --demo this is the only
/// way to inject a scan; it takes the same path as a USB scanner's, and its answer is the lane's
/// own: accepted, or refused with the lane's code.
struct ScanInjectionRoutes: Sendable {
    let runtime: LaneRuntime
    let injectors: Set<String>

    /// A scanner's data, at most; longer is not a barcode (a QR code holds at most 7,089 digits).
    static let maximumLength = 7_089

    func add(to router: Router<SyncRequestContext>) {
        router.post("/sync/v1/scans") { request, context in
            let client = context.credential.name
            guard injectors.contains(client) else { throw SyncResponse.Failure(.forbidden, "forbidden") }
            let body = try await SyncBody.object(request, limit: 32 * 1024, keys: ["code", "symbology"])
            let (code, symbology) = try SyncBody.field { () throws(WireError) in
                (try body.string("code"), try body.optionalString("symbology"))
            }
            guard (1...Self.maximumLength).contains(code.unicodeScalars.count) else {
                throw SyncResponse.Failure(.badRequest, "bad-request", ["field": "code"])
            }
            // An AIM symbology identifier: "]", a letter, a modifier character.
            if let symbology, !Self.isSymbologyIdentifier(symbology) {
                throw SyncResponse.Failure(.badRequest, "bad-request", ["field": "symbology"])
            }
            switch await runtime.scan(ScannedCode(data: code, symbology: symbology, source: "integration \(client)",
                                                  readAt: ContinuousClock.now)) {
            case .accepted:
                return SyncResponse.json(.ok, .object(["outcome": "accepted"]))
            case .refused(let refusal, _):
                // The shopper's scan was not understood (422), or the lane does not take one now (409).
                let unprocessable = ["unknown-item", "unreadable-code"].contains(refusal)
                throw SyncResponse.Failure(unprocessable ? .unprocessableContent : .conflict, refusal)
            }
        }
    }

    static func isSymbologyIdentifier(_ text: String) -> Bool {
        let characters = Array(text)
        return characters.count == 3 && characters[0] == "]" && characters[1].isASCII && characters[1].isLetter
            && characters[2].isASCII && (characters[2].isLetter || characters[2].isNumber)
    }
}
