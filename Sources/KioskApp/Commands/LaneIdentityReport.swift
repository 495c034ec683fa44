import Foundation
import Journal

/// `kiosk lane identity`: what head office needs to enrol the lane. The key is made on first use,
/// exactly as `kiosk run` would make it, so a lane can be enrolled before it first sells.
public enum LaneIdentityReport {
    public static func render(stateDirectory: URL, configFile: URL?) throws -> String {
        let config = try KioskConfig.forCommand(configFile)
        let identity: LaneIdentity
        do { identity = try LaneIdentity.loadOrCreate(stateDirectory: stateDirectory, laneID: config.laneID) } catch {
            throw KioskSetupError.state("\(error)")
        }
        return """
            lane: \(identity.laneID)
            public key (ed25519, base64): \(Data(identity.publicKey).base64EncodedString())
            fingerprint: \(identity.fingerprint)
            """
    }
}
