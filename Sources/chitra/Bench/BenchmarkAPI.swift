import ArgumentParser
import ChitraAPI
import ChitraLocal
import ChitraStore
import Logging

/// The API as `chitra serve` runs it (its own pool of the API's role, a 30 s statement timeout), in
/// the benchmark's process on a free port of 127.0.0.1, while `body` runs with its base address.
enum BenchmarkAPI {
    static func serving<T: Sendable>(_ url: DatabaseURL, logger: Logger, _ body: @Sendable (_ base: String) async throws -> T) async throws -> T {
        try await Database.withRunning(url, statementTimeout: .seconds(30), logger: logger) { pool in
            let server = APIServer(database: pool, requestsPerSecond: 100_000, burst: 100_000, logger: logger)
            let port = Port()
            let app = server.application(host: "127.0.0.1", port: 0) { bound in await port.set(bound) }
            return try await ServicesAround.run([app], logger: logger) { try await body("http://127.0.0.1:\(try await port.wait())") }
        }
    }
}

/// The bound port, once the server listens.
actor Port {
    private var value: Int?
    func set(_ port: Int) { value = port }
    func wait() async throws -> Int {
        for _ in 0..<600 {
            if let value { return value }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ValidationError("the API did not start listening within 30 s")
    }
}
