import Foundation
import KioskTestSupport
@testable import Payments
import Retail
import Testing

/// Every request the nexo adapter sends validates against Adyen's published Terminal API schema
/// (Fixtures/adyen-terminal-api: a subset of adyen-openapi's TerminalAPI-v1.json, MIT), checked by
/// an independent validator (jsonschema_rs from .venv-test) with every object closed, so a
/// misspelt member fails too.
@Suite struct NexoSchemaTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/PaymentsTests/Fixtures/adyen-terminal-api")
    let parties = NexoParties(saleID: "L01", poiID: "V400m-324688179")

    @Test func theRequestsTheAdapterSendsValidateAgainstAdyensSchema() async throws {
        var generator = SystemRandomNumberGenerator()
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let messages: [String: NexoRequest] = [
            "payment": NexoRequests.payment(PaymentRequest(attemptID: "L01-1800000000-P1", amount: yuan(1_099)), parties: parties, at: at),
            "status": NexoRequests.status(of: "L01-1800000000-P1", serviceID: NexoServiceID.fresh(using: &generator), parties: parties),
            "abort": NexoRequests.abort(of: "L01-1800000000-P1", serviceID: NexoServiceID.fresh(using: &generator), parties: parties),
            "reversal": NexoRequests.reversal(of: NexoTransactionID(transactionID: "SIMNEXO00000001", timeStamp: NexoRequests.timestamp(at)),
                                              serviceID: NexoServiceID.fresh(using: &generator), parties: parties),
        ]
        try await withTemporaryDirectory { folder in
            var files: [String] = []
            for (name, message) in messages {
                let file = folder.appendingPathComponent("\(name).json")
                try message.json().write(to: file)
                files.append(file.path)
            }
            // The validator must refuse what the schema does not allow, or its "ok" means nothing.
            let payment = String(decoding: try messages["payment"]!.json(), as: UTF8.self)
            let misspelt = folder.appendingPathComponent("misspelt.json")
            try Data(payment.replacingOccurrences(of: "RequestedAmount", with: "RequestAmount").utf8).write(to: misspelt)
            let result = try await validate(files + [misspelt.path], in: folder)
            for file in files { #expect(result.output.contains("ok \(file)\n"), "\(result.output)") }
            #expect(result.output.contains("invalid \(misspelt.path)"), "\(result.output)")
            #expect(result.status == 1)
        }
    }

    private func validate(_ files: [String], in folder: URL) async throws -> (status: Int32, output: String) {
        let python = repositoryRoot.appendingPathComponent(".venv-test/bin/python").path
        let result = try await run(python, [Self.fixtures.appendingPathComponent("validate.py").path,
                                            Self.fixtures.appendingPathComponent("TerminalAPI-v1.subset.json").path] + files,
                                   in: folder, mergingErrors: true)
        #expect(!result.output.contains("Traceback"), "run scripts/setup for .venv-test with jsonschema_rs: \(result.output)")
        return result
    }
}
