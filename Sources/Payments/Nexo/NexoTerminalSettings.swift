/// A card terminal on the store network speaking Adyen's Terminal API (local integration), as
/// the settings file names it (`"nexoTerminal": {...}` in kiosk.json).
public struct NexoTerminalSettings: Codable, Sendable, Equatable {
    /// The terminal's Terminal API address, e.g. "https://192.168.1.20:8443/nexo". HTTPS only.
    public var address: String
    /// The terminal's POIID, "[model]-[serial]" as Adyen lists it, e.g. "V400m-324688179".
    public var poiID: String
    /// This lane's SaleID at the terminal (the lane id unless the store says otherwise).
    public var saleID: String
    /// PEM file of the certificate authority that signed the terminal's certificate (Adyen's
    /// terminal root for a real one); the system's trust store when absent.
    public var caFile: String?
    /// How long one status query waits for its answer; "in progress" answers are asked again
    /// until `statusWaitSeconds` have passed.
    public var statusTimeoutSeconds = 20
    public var statusWaitSeconds = 60
    /// The local-encryption key set up for the terminal (in its Customer Area): required unless
    /// `unencryptedTestTerminal`.
    public var encryption: NexoEncryptionSettings?
    /// A test terminal with encryption off: the only case where messages travel unencrypted.
    public var unencryptedTestTerminal = false

    public init(address: String, poiID: String, saleID: String, caFile: String? = nil) {
        self.address = address
        self.poiID = poiID
        self.saleID = saleID
        self.caFile = caFile
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case address, poiID, saleID, caFile, statusTimeoutSeconds, statusWaitSeconds, encryption, unencryptedTestTerminal
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decode(String.self, forKey: .address)
        poiID = try c.decode(String.self, forKey: .poiID)
        saleID = try c.decode(String.self, forKey: .saleID)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        statusTimeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .statusTimeoutSeconds) ?? 20
        statusWaitSeconds = try c.decodeIfPresent(Int.self, forKey: .statusWaitSeconds) ?? 60
        encryption = try c.decodeIfPresent(NexoEncryptionSettings.self, forKey: .encryption)
        unencryptedTestTerminal = try c.decodeIfPresent(Bool.self, forKey: .unencryptedTestTerminal) ?? false
    }

    /// The first problem, as "field: what is wrong", or nil.
    public func problem() -> String? {
        guard address.hasPrefix("https://"), isPlainSetting(address, max: 200) else {
            return "nexoTerminal.address: must be an https:// address, e.g. https://192.168.1.20:8443/nexo"
        }
        guard isPlainSetting(poiID, max: 40) else { return "nexoTerminal.poiID: 1 to 40 printable characters, e.g. V400m-324688179" }
        guard isPlainSetting(saleID, max: 40) else { return "nexoTerminal.saleID: 1 to 40 printable characters" }
        if let caFile, !caFile.hasPrefix("/") { return "nexoTerminal.caFile: must be an absolute path" }
        guard (1...120).contains(statusTimeoutSeconds) else { return "nexoTerminal.statusTimeoutSeconds: must be 1...120" }
        guard (0...600).contains(statusWaitSeconds) else { return "nexoTerminal.statusWaitSeconds: must be 0...600" }
        guard (encryption == nil) == unencryptedTestTerminal else {
            return "nexoTerminal.encryption: required (keyIdentifier, keyVersion, passphraseFile), unless unencryptedTestTerminal is true, and not both"
        }
        if let encryption {
            guard isPlainSetting(encryption.keyIdentifier, max: 64) else { return "nexoTerminal.encryption.keyIdentifier: 1 to 64 printable characters" }
            guard encryption.keyVersion >= 0 else { return "nexoTerminal.encryption.keyVersion: must not be negative" }
            guard encryption.passphraseFile.hasPrefix("/") else { return "nexoTerminal.encryption.passphraseFile: must be an absolute path" }
        }
        return nil
    }
}

/// Which local-encryption key the terminal expects; the passphrase itself is in its own file.
public struct NexoEncryptionSettings: Codable, Sendable, Equatable {
    public var keyIdentifier: String
    public var keyVersion: Int
    public var passphraseFile: String

    public init(keyIdentifier: String, keyVersion: Int, passphraseFile: String) {
        self.keyIdentifier = keyIdentifier
        self.keyVersion = keyVersion
        self.passphraseFile = passphraseFile
    }
}
