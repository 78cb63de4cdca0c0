import ChitraStore
import Foundation
import HTTPTypes
import Hummingbird

/// Reads that may come from a standby (issue 29): reports, lists and a run's status, when `chitra
/// serve` has a standby's URL. A route says so (`respond(_:reads: .standby)`); within it the
/// caller's pool is the standby's (`Caller.authorize`), its answer says how far behind the data
/// is (`Chitra-Standby-Lag`, seconds), and tokens are still verified on the primary. Writes never
/// read from it.
enum Reads: Sendable {
    case primary
    case standby

    /// Whether the request being answered may read from the standby.
    @TaskLocal static var current = Reads.primary

    static let lagHeader = HTTPField.Name("Chitra-Standby-Lag")!
}

/// The standby's lag, asked at most once a second however many requests want it.
struct StandbyPool: Sendable {
    let database: Database
    let lag: CachedSample<ContinuousClock>

    init(_ database: Database) {
        self.database = database
        self.lag = CachedSample(lifetime: .seconds(1), clock: ContinuousClock()) {
            let reading = try await StandbyLag.read(database)
            // A primary (no standby up, the proxy sent the reads to it) is never behind: no header.
            return reading.standby ? String(format: "%.3f", reading.seconds) : ""
        }
    }

    /// The standby's lag in seconds, as the header says it (nil: no standby answers, or the reads
    /// went to the primary).
    func lagText() async -> String? {
        guard let seconds = try? await lag.text(), !seconds.isEmpty else { return nil }
        return seconds
    }

    /// `response` with the standby's lag, when it read one.
    func marked(_ response: Response) async -> Response {
        guard let seconds = await lagText() else { return response }
        var response = response
        response.headers[Reads.lagHeader] = seconds
        return response
    }
}
