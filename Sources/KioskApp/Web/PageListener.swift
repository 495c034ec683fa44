import Foundation
import Hummingbird
import HummingbirdTLS
import Sync

/// How the page's listener is set up from `--listen` and the settings: loopback and plain HTTP by
/// default; any other address only with `pageNetwork`, and then over TLS with a token.
struct PageListener {
    let policy: PageRequestPolicy
    /// Only on a network listener.
    let credential: PageCredential?
    let tls: TLSChannelConfiguration?

    /// Reads the TLS files now, so a bad certificate or key stops the start, not the first connection.
    init(host: String, config: KioskConfig, configFile: URL?) throws {
        let network = try PageNetworkSettings.check(listenHost: host, settings: config.pageNetwork)
        do {
            tls = try network?.tls.map { try SyncServer.tlsConfiguration(files: $0, setting: "pageNetwork.tls") }
        } catch let error as SyncSettingsError {
            throw KioskSetupError.config(configFile?.path ?? "(none)", error.message)
        }
        credential = network.map { PageCredential(settings: $0) }
        policy = PageRequestPolicy(listenHost: host, extraHosts: network?.hosts ?? [], tls: tls != nil)
    }

    var scheme: String { policy.scheme }
}
