import ArgumentParser
import ChitraAPI
import ChitraStore
import ChitraWorker
import Foundation
import Logging
import ServiceLifecycle

/// `chitra serve`: the JSON API (and its OpenAPI document) and the web console on a port, as the
/// application's role; SIGTERM or SIGINT stops it gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API under /api/v1 (OpenAPI document at /api/v1/openapi.json) and the web console under /console.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "The port (0: a free one, printed).") var port: Int = 8080
    @Option(help: "Requests a second per token (a burst of four times as many is allowed).") var rate: Int = 50
    @Flag(help: "Console cookies without Secure, for plain HTTP to an address other than localhost (browsers keep Secure cookies from http://localhost; behind HTTPS never).")
    var insecureCookies = false
    @Option(help: "Serve /metrics (Prometheus) on 127.0.0.1 at this port (0: a free one, printed); never on the API's port, which anyone reaching the API could scrape.")
    var metricsPort: Int?
    @Option(name: .customLong("standby-url"), help: "A standby's URL (default: CHITRA_STANDBY_DATABASE_URL, if set): reports, lists and a run's status read from it, each answer saying how far behind it is (header Chitra-Standby-Lag); writes and tokens stay on DATABASE_URL.")
    var standbyURL: String?

    func run() async throws {
        let logger = connection.logger()
        let url = try connection.url()
        try await Database.withRunning(url, maximumConnections: 1, logger: logger) { try await Migrator(database: $0).requireUpToDate() }
        // A statement running past 30 s is stopped, its request answered, its transaction rolled back.
        let database = Database(url: url, statementTimeout: .seconds(30), logger: logger)
        ProcessMetrics.bootstrap()
        let standby = try (standbyURL ?? ProcessInfo.processInfo.environment["CHITRA_STANDBY_DATABASE_URL"]).flatMap { $0.isEmpty ? nil : $0 }
            .map { Database(url: try connection.database.url(text: $0), statementTimeout: .seconds(30), logger: logger) }
        let server = APIServer(database: database, standby: standby, requestsPerSecond: Double(rate), burst: rate * 4,
                               console: try await ConsoleTemplates.load(), secureCookies: !insecureCookies, logger: logger)
        let host = self.host
        let app = server.application(host: host, port: port) { bound in
            FileHandle.standardOutput.write(Data("chitra serve listening on http://\(host):\(bound)/api/v1 (console: http://\(host):\(bound)/console)\n".utf8))
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: database.client), .init(service: app)]
        if let standby { services.insert(.init(service: standby.client), at: 1) }
        if let metricsPort {
            // Every unit's figures, read with the server's own credential (never a caller's), sampled
            // at most every 10 s however often anyone scrapes.
            guard let secret = try ServiceCredentials.fromEnvironment(ProcessInfo.processInfo.environment) else {
                throw ValidationError("--metrics-port reads every unit's figures: set \(ServiceCredentials.environmentVariable) "
                                      + "(made with `chitra db credential --name serve --every-unit`).")
            }
            let metrics = database.scoped(Scope.nothing.with(credential: try ServiceCredentials.parse(secret)))
            let sample = CachedSample(lifetime: .seconds(10), clock: ContinuousClock()) { try await ProcessMetrics.apiText(metrics) }
            services.append(.init(service: MetricsEndpoint(host: "127.0.0.1", port: metricsPort, logger: logger) {
                try await sample.text()
            }.application()))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
