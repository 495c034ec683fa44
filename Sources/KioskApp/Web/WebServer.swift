import Devices
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Journal
import Logging

/// The local web interface: the shopper page and its assets, the lane's JSON API (route
/// collections by who calls them), and the WebSocket that pushes every new view. Nothing here
/// decides anything: it calls the runtime.
struct WebServer {
    let runtime: LaneRuntime
    let journal: LaneJournal
    let receipts: ReceiptComposer
    /// Demo and training mode only: the simulated scanner and the demo panel's items.
    let demo: (scanner: SimulatedScanner, items: [DemoRoutes.DemoItem])?
    let assets: URL
    /// Which requests are served at all (Host, Origin, token): checked before anything else.
    let listener: PageListener
    let logger: Logger

    func router() -> Router<PageRequestContext> {
        let router = Router(context: PageRequestContext.self)
        router.add(middleware: PageGuard(policy: listener.policy))
        if let credential = listener.credential { router.add(middleware: credential) }
        router.add(middleware: FileMiddleware(assets.appendingPathComponent("web").path, searchForIndexHtml: true, logger: logger))
        router.add(middleware: FileMiddleware(assets.appendingPathComponent("l10n").path, urlBasePath: "/l10n", logger: logger))
        router.addRoutes(LanguageRoutes(folder: assets.appendingPathComponent("l10n")).routes())
        let shopper = ShopperRoutes(runtime: runtime)
        router.addRoutes(shopper.routes())
        router.addRoutes(StaffRoutes(shopper: shopper, logger: logger).routes())
        router.addRoutes(ReceiptRoutes(journal: journal, receipts: receipts).routes())
        router.addRoutes(MaintenanceRoutes(runtime: runtime).routes())
        router.addRoutes(StaffModeRoutes(runtime: runtime).routes())
        if let demo { router.addRoutes(DemoRoutes(runtime: runtime, scanner: demo.scanner, items: demo.items).routes()) }
        router.ws("/ws") { _, _ in
            .upgrade()
        } onUpgrade: { inbound, outbound, _ in
            let views = await runtime.views()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await _ in inbound {} // the page only listens; this ends when it leaves
                }
                group.addTask {
                    for await view in views {
                        let message = try JSONBody<StateMessage>.encoder.encode(StateMessage(state: view))
                        try await outbound.write(.text(String(decoding: message, as: UTF8.self)))
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        return router
    }

    struct StateMessage: Encodable {
        let type = "state"
        let state: LaneView
    }
}
