import Foundation
import Hummingbird
import Logging

/// `GET /metrics` for Prometheus to scrape: what `text` returns, sampled at each scrape. The API
/// adds the route to its router; a worker serves it alone (`application()`).
public struct MetricsEndpoint: Sendable {
    var host: String
    var port: Int
    var logger: Logger
    var text: @Sendable () async throws -> String

    public init(host: String, port: Int, logger: Logger, text: @escaping @Sendable () async throws -> String) {
        self.host = host
        self.port = port
        self.logger = logger
        self.text = text
    }

    /// Adds `GET /metrics` to `router`; a scrape that fails answers 503 and is logged.
    static func add<Context: RequestContext>(to router: Router<Context>, logger: Logger, text: @escaping @Sendable () async throws -> String) {
        router.get("metrics") { _, _ -> Response in
            do {
                var headers = HTTPFields()
                headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try await text())))
            } catch {
                logger.warning("metrics scrape failed", metadata: ["error": "\(error)"])
                return Response(status: .serviceUnavailable)
            }
        }
    }

    /// A server of `/metrics` alone, for a worker process.
    public func application() -> some ApplicationProtocol {
        let router = Router()
        Self.add(to: router, logger: logger, text: text)
        let (host, port, logger) = (self.host, self.port, self.logger)
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "chitra-worker"),
                           onServerRunning: { channel in
                               logger.notice("metrics served", metadata: ["url": "http://\(host):\(channel.localAddress?.port ?? port)/metrics"])
                           }, logger: logger)
    }
}
