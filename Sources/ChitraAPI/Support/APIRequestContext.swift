import Hummingbird
import NIOCore

/// Every request's context: Hummingbird's, and the address it came from (the per-address limits
/// before authentication read it).
public struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The address as a limiter's key: the IP without the port ("unknown" for a test's channel).
    var addressKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
