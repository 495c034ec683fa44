import Foundation

/// The WeChat Pay gateway simulator with what it needs: a test CA and server certificate, and the
/// merchant's API key in a file. `settings` is the kiosk's `wechatPay` setting for it, as JSON.
public final class WeChatPaySimulatorRig: @unchecked Sendable {
    public let folder: URL
    public let pki: TestPKI
    public let keyFile: URL
    public let simulator: TerminalSimulatorProcess
    public static let appID = "wx0000000000000001"
    public static let merchantID = "1900000001"

    /// In `folder` (which the caller removes); started with `faults`.
    public init(folder: URL, faults: String = "", apiKey: String = "k3yk3yk3yk3yk3yk3yk3yk3yk3yk3yk3") async throws {
        self.folder = folder
        pki = try await TestPKI.make(in: folder)
        keyFile = folder.appendingPathComponent("wechat.key")
        try Data(apiKey.utf8).write(to: keyFile)
        simulator = TerminalSimulatorProcess(script: "wechat-pay", folder: folder, arguments: [
            "--cert", pki.certificate("server"), "--key", pki.key("server"), "--api-key-file", keyFile.path,
            "--appid", Self.appID, "--mch-id", Self.merchantID])
        try await simulator.start(faults: faults)
    }

    public func settings() -> String {
        #"""
        {"gateway": "\#(simulator.address)", "appID": "\#(Self.appID)", "merchantID": "\#(Self.merchantID)",
         "keyFile": "\#(keyFile.path)", "caFile": "\#(pki.certificate("ca"))"}
        """#
    }

    /// Charges standing in the simulator's ledger (paid, not reversed), by out_trade_no.
    public func charges() throws -> [String: Int] {
        try standingOrders(simulator.ledger, paidState: "SUCCESS", reference: "transaction_id")
    }

    deinit { simulator.kill9() }
}

/// The Alipay gateway simulator with what it needs: a test CA and server certificate, and two RSA
/// key pairs made by openssl (the app's, whose private key signs the kiosk's requests; Alipay's,
/// whose public key checks the answers). `settings` is the kiosk's `alipay` setting, as JSON.
public final class AlipaySimulatorRig: @unchecked Sendable {
    public let folder: URL
    public let pki: TestPKI
    public let simulator: TerminalSimulatorProcess
    public static let appID = "2021000000000001"

    public var appPrivateKey: String { folder.appendingPathComponent("app-rsa.key").path }
    public var appPublicKey: String { folder.appendingPathComponent("app-rsa.pub").path }
    public var alipayPrivateKey: String { folder.appendingPathComponent("alipay-rsa.key").path }
    public var alipayPublicKey: String { folder.appendingPathComponent("alipay-rsa.pub").path }

    public init(folder: URL, faults: String = "") async throws {
        self.folder = folder
        pki = try await TestPKI.make(in: folder)
        for name in ["app-rsa", "alipay-rsa"] {
            for arguments in [["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "\(name).key"],
                              ["pkey", "-in", "\(name).key", "-pubout", "-out", "\(name).pub"]] {
                let result = try await run("openssl", arguments, in: folder, mergingErrors: true)
                guard result.status == 0 else { throw ToolFailed(description: "openssl \(arguments.joined(separator: " ")): \(result.output)") }
            }
        }
        simulator = TerminalSimulatorProcess(script: "alipay", folder: folder, arguments: [
            "--cert", pki.certificate("server"), "--key", pki.key("server"), "--app-id", Self.appID,
            "--app-public-key", folder.appendingPathComponent("app-rsa.pub").path,
            "--alipay-private-key", folder.appendingPathComponent("alipay-rsa.key").path])
        try await simulator.start(faults: faults)
    }

    public func settings() -> String {
        #"""
        {"gateway": "\#(simulator.address)", "appID": "\#(Self.appID)", "privateKeyFile": "\#(appPrivateKey)",
         "alipayPublicKeyFile": "\#(alipayPublicKey)", "caFile": "\#(pki.certificate("ca"))"}
        """#
    }

    /// Charges standing in the simulator's ledger (paid, not cancelled), by out_trade_no.
    public func charges() throws -> [String: Int] {
        try standingOrders(simulator.ledger, paidState: "TRADE_SUCCESS", reference: "trade_no")
    }

    deinit { simulator.kill9() }
}

/// A wallet simulator's orders that stand paid, each counted once (an order is one charge at most).
private func standingOrders(_ ledger: URL, paidState: String, reference: String) throws -> [String: Int] {
    guard FileManager.default.fileExists(atPath: ledger.path) else { return [:] }
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: ledger)) as? [String: Any]
    let orders = object?["orders"] as? [String: [String: Any]] ?? [:]
    return orders.filter { ($0.value[reference] as? String ?? "") != "" && $0.value["state"] as? String == paidState }.mapValues { _ in 1 }
}
