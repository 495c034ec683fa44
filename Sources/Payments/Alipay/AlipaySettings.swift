/// An Alipay merchant app for face-to-face payments (the shopper's payment code, scanned), as the
/// settings file names it (`"alipay": {...}` in kiosk.json). Both keys are PEM files: the app's
/// RSA private key (a secret, readable by the kiosk only) signs requests; Alipay's public key
/// checks its answers.
public struct AlipaySettings: Codable, Sendable, Equatable {
    /// The open platform gateway, "https://openapi.alipay.com/gateway.do" for the real one.
    public var gateway: String
    public var appID: String
    /// PEM file of the app's RSA private key (2048 bits or more), PKCS#8 or PKCS#1.
    public var privateKeyFile: String
    /// PEM file of Alipay's public key for this app (from the open platform's console).
    public var alipayPublicKeyFile: String
    /// PEM file of the authority that signed the gateway's certificate; the system's when absent.
    public var caFile: String?
    /// How long an order waiting for the shopper is polled before it is cancelled (Alipay suggests 30 s).
    public var userPayingSeconds = 30

    public init(gateway: String, appID: String, privateKeyFile: String, alipayPublicKeyFile: String) {
        self.gateway = gateway
        self.appID = appID
        self.privateKeyFile = privateKeyFile
        self.alipayPublicKeyFile = alipayPublicKeyFile
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case gateway, appID, privateKeyFile, alipayPublicKeyFile, caFile, userPayingSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gateway = try c.decode(String.self, forKey: .gateway)
        appID = try c.decode(String.self, forKey: .appID)
        privateKeyFile = try c.decode(String.self, forKey: .privateKeyFile)
        alipayPublicKeyFile = try c.decode(String.self, forKey: .alipayPublicKeyFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        userPayingSeconds = try c.decodeIfPresent(Int.self, forKey: .userPayingSeconds) ?? 30
    }

    /// The first problem, as "field: what is wrong", or nil.
    public func problem() -> String? {
        guard gateway.hasPrefix("https://"), isPlainSetting(gateway, max: 200) else { return "alipay.gateway: must be an https:// address" }
        guard isPlainSetting(appID, max: 32), appID.allSatisfy(\.isNumber) else { return "alipay.appID: 1 to 32 digits" }
        guard privateKeyFile.hasPrefix("/") else { return "alipay.privateKeyFile: must be an absolute path" }
        guard alipayPublicKeyFile.hasPrefix("/") else { return "alipay.alipayPublicKeyFile: must be an absolute path" }
        if let caFile, !caFile.hasPrefix("/") { return "alipay.caFile: must be an absolute path" }
        guard (5...120).contains(userPayingSeconds) else { return "alipay.userPayingSeconds: must be 5...120" }
        return nil
    }
}
