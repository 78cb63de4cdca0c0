import Foundation
import Hummingbird
import Logging

/// A worker's `/metrics`, for Prometheus to scrape: what `text` returns, sampled at each scrape.
struct MetricsEndpoint: Sendable {
    var host: String
    var port: Int
    var logger: Logger
    var text: @Sendable () async throws -> String

    func application() -> some ApplicationProtocol {
        let router = Router()
        let text = self.text
        let logger = self.logger
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
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "chitra-worker"),
                           onServerRunning: { channel in
                               logger.notice("metrics served", metadata: ["url": "http://\(host):\(channel.localAddress?.port ?? port)/metrics"])
                           }, logger: logger)
    }
}
