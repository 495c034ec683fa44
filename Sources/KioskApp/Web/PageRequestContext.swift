import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the shopper page's listener: Hummingbird's core, the WebSocket
/// upgrade, and the connection's two ends (the guard checks the Host against the local port;
/// receipt look-ups are rate-limited by the remote address).
struct PageRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let remoteAddress: SocketAddress?
    let localPort: Int?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        localPort = source.channel.localAddress?.port
    }
}
