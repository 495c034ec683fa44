/// A WeChat Pay merchant account for micropay (payment codes shown on the shopper's phone), as
/// the settings file names it (`"wechatPay": {...}` in kiosk.json). The API key is read from its
/// own file, so the settings can be shown and copied without the secret.
public struct WeChatPaySettings: Codable, Sendable, Equatable {
    /// The gateway, "https://api.mch.weixin.qq.com" for the real one.
    public var gateway: String
    public var appID: String
    public var merchantID: String
    /// A file holding the merchant's API v2 key (32 characters), readable by the kiosk only.
    public var keyFile: String
    public var signType: WeChatPaySignature.Kind = .hmacSHA256
    /// PEM file of the authority that signed the gateway's certificate; the system's when absent.
    public var caFile: String?
    /// The kiosk's address as WeChat Pay's spbill_create_ip.
    public var terminalIP = "127.0.0.1"
    /// How long a USERPAYING order is polled before it is cancelled (WeChat Pay suggests 30 s).
    public var userPayingSeconds = 30

    public init(gateway: String, appID: String, merchantID: String, keyFile: String) {
        self.gateway = gateway
        self.appID = appID
        self.merchantID = merchantID
        self.keyFile = keyFile
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case gateway, appID, merchantID, keyFile, signType, caFile, terminalIP, userPayingSeconds
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        gateway = try c.decode(String.self, forKey: .gateway)
        appID = try c.decode(String.self, forKey: .appID)
        merchantID = try c.decode(String.self, forKey: .merchantID)
        keyFile = try c.decode(String.self, forKey: .keyFile)
        signType = try c.decodeIfPresent(WeChatPaySignature.Kind.self, forKey: .signType) ?? .hmacSHA256
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        terminalIP = try c.decodeIfPresent(String.self, forKey: .terminalIP) ?? "127.0.0.1"
        userPayingSeconds = try c.decodeIfPresent(Int.self, forKey: .userPayingSeconds) ?? 30
    }

    public func problem() -> String? {
        guard gateway.hasPrefix("https://"), isPlainSetting(gateway, max: 200) else { return "wechatPay.gateway: must be an https:// address" }
        guard isPlainSetting(appID, max: 32) else { return "wechatPay.appID: 1 to 32 printable characters" }
        guard isPlainSetting(merchantID, max: 32) else { return "wechatPay.merchantID: 1 to 32 printable characters" }
        guard keyFile.hasPrefix("/") else { return "wechatPay.keyFile: must be an absolute path" }
        if let caFile, !caFile.hasPrefix("/") { return "wechatPay.caFile: must be an absolute path" }
        guard isPlainSetting(terminalIP, max: 64) else { return "wechatPay.terminalIP: an IP address" }
        guard (5...120).contains(userPayingSeconds) else { return "wechatPay.userPayingSeconds: must be 5...120" }
        return nil
    }
}
