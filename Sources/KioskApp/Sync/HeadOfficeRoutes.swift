import Foundation
import Hummingbird
import Journal
import Sync

/// Everything head office reaches on the sync listener (docs/sync-api.yaml): the pull routes
/// (Sync's, reading the journal) and the ones that change the lane, which go through the runtime.
struct HeadOfficeRoutes: Sendable {
    let runtime: LaneRuntime
    let journal: LaneJournal
    let identity: LaneIdentity
    let assets: URL
    let stateDirectory: URL
    /// Credentials that may inject scans (`sync.scanInjectors`).
    let scanInjectors: Set<String>

    func add(to router: Router<SyncRequestContext>) {
        // docs/ sits beside assets/ in a checkout and in an installed tree alike.
        let spec = assets.deletingLastPathComponent().appendingPathComponent("docs/sync-api.yaml")
        router.add(middleware: PullNotice(runtime: runtime))
        PullRoutes(journal: journal, identity: identity, softwareVersion: KioskVersion.current, spec: spec).add(to: router)
        AcknowledgementRoutes(runtime: runtime).add(to: router)
        PushRoutes(runtime: runtime, incoming: stateDirectory.appendingPathComponent("incoming")).add(to: router)
        ScanInjectionRoutes(runtime: runtime, injectors: scanInjectors).add(to: router)
        MetricsRoute(metrics: runtime.metrics, journal: journal).add(to: router)
    }
}

/// The kiosk's version, as head office and `kiosk --version` see it.
public enum KioskVersion {
    public static let current = "0.12.0"
}
