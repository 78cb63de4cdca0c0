import ArgumentParser
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Logging

/// The run benchmark: a synthetic register for the seven districts, imported, then one month run
/// to `computed` by W real worker processes; beneficiaries/s and peak worker memory.
struct RunBenchmark {
    var beneficiaries: Int
    var workers: Int
    var concurrency: Int
    var folder: String
    var shardSize: Int = RunPlanner.shardSize
    var districtCount = 7
    /// Extra settings for the private PostgreSQL; its log is kept as `postgres.log` in `folder`.
    var settings: [String: String] = [:]
    /// Every commune of the country (`--national`).
    var national: NationalRegister?
    /// The database and each worker on a host of their own, with their CPU shares.
    var hosts: BenchHosts?

    struct Result: Codable {
        var beneficiaries: Int
        var workers: Int
        var concurrency: Int
        var shardSize: Int
        var districts: Int
        var seconds: Double
        var planSeconds: Double
        var lines: Int
        var disbursements: Int
        var workerPeakMemoryBytes: Int
        /// With `pg_stat_statements` preloaded: the statements that took the database's time while
        /// computing, the most first (planning apart with `pg_stat_statements.track_planning`).
        var statements: [StatementStatistics.Statement] = []
        /// The CPU shares, when the database and each worker had a host of their own.
        var hosts: BenchHosts.Shares?
        var machine = MachineState.current
        var date = ISO8601DateFormatter().string(from: Date())

        var text: String {
            """
            Run benchmark, \(date), \(machine), \(hosts.map { "PostgreSQL and each worker on a host of their own (database \($0.database) core, each worker \($0.worker)), over TLS" } ?? "PostgreSQL local"), synchronous_commit on
            \(beneficiaries) beneficiaries in \(districts) \(districts > 7 ? "communes" : "unit\(districts == 1 ? "" : "s")") computed in \(String(format: "%.1f", seconds)) s = \(String(format: "%.0f", Double(beneficiaries) / max(seconds, 1e-9))) beneficiaries/s with \(workers) worker process(es) × \(concurrency), shards of \(shardSize)
              plans (snapshot marks and shard jobs) done after \(String(format: "%.1f", planSeconds)) s; \(lines) lines, \(disbursements) disbursements written
              worker peak memory \(String(format: "%.0f", Double(workerPeakMemoryBytes) / 1e6)) MB
            """ + statementsText
        }

        /// The statements, one short line each (none without `pg_stat_statements`).
        var statementsText: String {
            guard !statements.isEmpty else { return "" }
            let total = statements.map { $0.totalMilliseconds + $0.planMilliseconds }.reduce(0, +)
            return "\n  the database's time computing, by statement (pg_stat_statements; \(String(format: "%.1f", total / 1000)) s in these):"
                + statements.map {
                    "\n    \(String(format: "%6.1f", $0.totalMilliseconds / 1000)) s executing, \(String(format: "%5.1f", $0.planMilliseconds / 1000)) s planning, \($0.calls) calls: \($0.query.prefix(100))"
                }.joined()
        }
    }

    func run() async throws -> Result {
        try await BenchmarkProvince(beneficiaries: beneficiaries, districtCount: districtCount, folder: folder, settings: settings, national: national,
                                    hosts: hosts)
            .with { database, urls, people in try await measure(database: database, urls: urls, people: people) }
    }

    private var countsStatements: Bool { BenchmarkProvince.countsStatements(settings) }

    private func measure(database: Database, urls: BenchmarkProvince.URLs, people: ProvincePeople) async throws -> Result {
        let url = urls.worker
        if countsStatements {
            try await Database.withRunning(urls.owner, scope: .owner, logger: BenchmarkProvince.logger) { try await StatementStatistics.reset($0) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await RunCoordinator(database: database).trigger(period: Period(year: 2026, month: 6)!, districts: nil,
                                                                 by: people.operatorIdentity, autoApprove: false)
        let processes = try (0..<workers).map { index in
            try ChitraProgram.worker.start(["--concurrency", "\(concurrency)", "--shard-size", "\(shardSize)"],
                                           environment: ["DATABASE_URL": url.connectionString, "CHITRA_LOG_LEVEL": "error"]
                                               .merging(people.workerEnvironment) { $1 },
                                           on: hosts.map { $0.placement($0.workerHosts[index]) })
        }
        var planSeconds = 0.0
        var peak = 0
        while true {
            let pending = try await RunBenchmarkStatistics.runsPending(database)
            if planSeconds == 0, pending.planning == 0 { planSeconds = (clock.now - start).seconds }
            peak = max(peak, processes.compactMap(\.peakMemoryBytes).max() ?? 0)
            if pending.notComputed == 0 { break }
            try await Task.sleep(for: .milliseconds(national == nil ? 100 : 500))
        }
        let seconds = (clock.now - start).seconds
        for process in processes { process.signal(SIGTERM) }
        for process in processes { await process.waitForExit() }
        let runs = try await RunStatus.list(period: nil, districts: nil, database: database)
        let lines = try await RunBenchmarkStatistics.lineCount(database)
        let statements = countsStatements
            ? try await Database.withRunning(urls.owner, scope: .owner, logger: BenchmarkProvince.logger) { try await StatementStatistics.top($0, limit: 25) }
            : []
        return Result(beneficiaries: beneficiaries, workers: workers, concurrency: concurrency, shardSize: shardSize,
                      districts: national?.units.count ?? districtCount, seconds: seconds,
                      planSeconds: planSeconds, lines: lines, disbursements: runs.map(\.disbursements).reduce(0, +),
                      workerPeakMemoryBytes: peak, statements: statements, hosts: hosts?.shares)
    }
}
