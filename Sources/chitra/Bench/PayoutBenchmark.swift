import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Logging

/// The payout benchmark: a synthetic province run to `computed`, then — timed from finance's
/// approval — every disbursement through `chitra-banksim` (realistic faults, no dedup) by W worker
/// processes until the rails settle, the still-failed sent to cash, the post office's generated
/// confirmations recorded, and every run completed. Checks the simulator's ledger credited each
/// transfer at most once.
struct PayoutBenchmark {
    var beneficiaries: Int
    var workers: Int
    var concurrency: Int
    var faults: String
    var folder: String
    var batchSize: Int
    var districtCount = 7
    /// Settings for the private server besides the benchmark's own (they win over them).
    var settings: [String: String] = [:]

    struct Result: Codable {
        var beneficiaries: Int
        var disbursements: Int
        var transfers: Int
        var workers: Int
        var concurrency: Int
        var batchSize: Int
        var faults: String
        var computeSeconds: Double
        var secondsToAllTerminal: Double
        var railsSeconds: Double
        /// From approval until the post office had confirmed the lists it got with the approval
        /// (it pays them while the banks work).
        var firstListsSeconds: Double
        var fallbackSeconds: Double
        var cashSeconds: Double
        var completionSeconds: Double
        var statistics: PayoutStatistics
        var reconciliation: Reconciliation
        var credits: Int
        var creditedTwice: Int
        /// The statements that took the database's time after approval, the most first.
        var statements: [StatementStatistics.Statement]
        /// Those that took its time while the statements were reconciled.
        var reconciliationStatements: [StatementStatistics.Statement]
        /// The disbursements' rows written after approval until every run was paid out, and while
        /// the statements were reconciled.
        var payoutWrites: StatementStatistics.TableWrites
        var reconciliationWrites: StatementStatistics.TableWrites
        var machine = MachineState.current
        var date = ISO8601DateFormatter().string(from: Date())

        /// The month closed against the paying accounts' statements (camt.053), once every run
        /// was paid out: one `statements.fetch` job a unit and day, run by the workers.
        typealias Reconciliation = ProvinceMonth.StatementsTaken

        /// The first `count` statements, one short line each.
        static func text(_ statements: [StatementStatistics.Statement], count: Int = 5) -> String {
            statements.prefix(count).map {
                "\n    \(String(format: "%.1f", $0.totalMilliseconds / 1000)) s in \($0.calls) calls: \($0.query.prefix(110))"
            }.joined()
        }

        /// Updates of `rows` rows: how many, a row, and the share that were HOT.
        static func text(_ writes: StatementStatistics.TableWrites, of rows: Int) -> String {
            let hot = writes.updated == 0 ? 0 : 100 * Double(writes.hotUpdated) / Double(writes.updated)
            return "\(writes.updated) row updates (\(String(format: "%.2f", Double(writes.updated) / Double(max(rows, 1)))) a disbursement), "
                + "\(String(format: "%.0f", hot)) % of them HOT"
        }

        var text: String {
            let rate = Double(disbursements) / max(secondsToAllTerminal, 1e-9)
            let states = statistics.byState.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return """
                Payout benchmark, \(date), \(machine), PostgreSQL local with synchronous_commit on, simulator with faults \(faults), no dedup
                \(disbursements) disbursements (\(transfers) by bank or wallet) all with their outcome (every run paid out) \(String(format: "%.1f", secondsToAllTerminal)) s after approval = \(String(format: "%.0f", rate)) disbursements/s, \(workers) worker process(es) × \(concurrency), batches of \(batchSize)
                  where the time goes: rails settle \(String(format: "%.1f", railsSeconds)) s (\(statistics.batches) batches, \(statistics.resentTransfers) transfers sent more than once; meanwhile the post office confirms the cash lists of the approval in \(String(format: "%.1f", firstListsSeconds)) s), failed to cash \(String(format: "%.1f", fallbackSeconds)) s, post office confirmations of the rest \(String(format: "%.1f", cashSeconds)) s, runs completed \(String(format: "%.1f", completionSeconds)) s
                  before the clock: computing \(beneficiaries) beneficiaries \(String(format: "%.1f", computeSeconds)) s
                  end states: \(states); \(statistics.fallbacks) fallen back to cash
                  the batches answered last (from the first batch made): \(statistics.lastAnswered.map { "\n    " + $0 }.joined())
                  ledger: \(credits) credits, \(creditedTwice) transfers credited more than once
                  statements: \(reconciliation.entries) entries in \(reconciliation.statements) camt.053 statements fetched from the gateway, read and reconciled by the workers in \(String(format: "%.1f", reconciliation.seconds)) s: \(reconciliation.settled) transfers settled, \(reconciliation.breaks) breaks, \(reconciliation.monthsClosed) months closed
                  disbursements written after approval: \(Self.text(payoutWrites, of: disbursements)); while the statements were reconciled: \(Self.text(reconciliationWrites, of: disbursements))
                  the database's time after approval, by statement (pg_stat_statements): \(Self.text(statements))
                  the database's time while the statements were reconciled: \(Self.text(reconciliationStatements, count: 10))
                """
        }
    }

    /// How long after its last write every backend has handed its row counts to
    /// `pg_stat_user_tables`: a backend gone idle within a second of its last report reports
    /// again after PostgreSQL's idle interval (`PGSTAT_IDLE_INTERVAL`, 10 s), a timer of the
    /// server's, not a speed of the machine's. The counts are read after it, outside the clock.
    static let rowCountsFlushed = Duration.seconds(11)

    func run() async throws -> Result {
        // Statements over 250 ms are logged in `postgres.log` of the work folder, and the plans of
        // those over a second (auto_explain, without their parameters): where the database's time
        // goes, with each statement's total (pg_stat_statements). WAL segments are not zero-filled
        // when created: a fresh cluster creates every segment of the payout's ~2 GB of WAL and filled
        // each with zeros first (perf: ~7 % of the machine during the payout), where a server in
        // service recycles the segments of past checkpoints, which are not filled again.
        try await BenchmarkProvince(beneficiaries: beneficiaries, districtCount: districtCount, folder: folder,
                                    settings: ["log_min_duration_statement": "250", "session_preload_libraries": "auto_explain",
                                               "shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.max": "1000",
                                               "wal_init_zero": "off",
                                               "auto_explain.log_min_duration": "1000"].merging(settings) { $1 })
            .with { database, urls, people in try await measure(database: database, url: urls.worker, people: people, owner: urls.owner) }
    }

    private func measure(database: Database, url: DatabaseURL, people: ProvincePeople, owner: DatabaseURL) async throws -> Result {
        let period = Period(year: 2026, month: 6)!
        let districts = Array(CaMau.communeCodes.prefix(districtCount))
        for district in districts {
            try await DistrictSettings.setPayingAccount(.init(name: "Phòng LĐTBXH \(district)", account: "100000\(district)", bank: "970405"),
                                                        district: district, by: people.admin, database: database)
        }
        let clock = ContinuousClock()
        return try await BankSimulatorProcess.with(["--faults", faults, "--no-dedup", "--seed", "1"]) { simulator in
            let arguments = ["--concurrency", "\(concurrency)", "--bank-url", simulator.bankURL, "--wallet-url", simulator.walletURL,
                             "--batch-size", "\(batchSize)", "--rail-timeout-ms", "5000", "--inquiry-ms", "500", "--transfer-retry-base-ms", "200"]
            let processes = try (0..<workers).map { _ in
                try ChitraProgram.worker.start(arguments,
                                               environment: ["DATABASE_URL": url.connectionString, "CHITRA_LOG_LEVEL": "error"]
                                               .merging(people.workerEnvironment) { $1 })
            }
            do {
                let computeStart = clock.now
                _ = try await RunCoordinator(database: database).trigger(period: period, districts: districts, by: people.operatorIdentity, autoApprove: false)
                try await waitFor { try await RunStatus.list(period: period, districts: nil, database: database).allSatisfy { $0.state == .computed } }
                let computeSeconds = (clock.now - computeStart).seconds

                let month = ProvinceMonth(database: database, people: people, period: period, districts: districts)
                // One in a hundred not found by the post office: returned, owed again next month.
                let notFound: @Sendable (String) -> Bool = { $0.hasSuffix("00") }
                let writesBefore = try await Database.withRunning(owner, scope: .owner, logger: BenchmarkProvince.logger) { owner in
                    try await StatementStatistics.reset(owner)
                    return try await StatementStatistics.writes(owner, table: "disbursements")
                }
                let runIDs = try await RunStatus.list(period: period, districts: nil, database: database).map(\.runID)
                let firstDay = VietnamTime.today()
                let start = clock.now
                _ = try await month.approveAll()
                // Approval put the cash on the post office's lists: it pays them while the banks work.
                @Sendable func confirmFirstLists() async throws -> Duration {
                    _ = try await month.confirmCash(folder: folder, paidOn: "2026-06-05", notFound: notFound)
                    return clock.now - start
                }
                async let firstLists = confirmFirstLists()
                try await waitFor(report: { try await progress(runIDs, database) }) {
                    for id in runIDs where try await RunRails.motion(runID: id, database: database).isMoving { return false }
                    return try await RunStatus.list(period: period, districts: nil, database: database).allSatisfy { $0.state != .computed }
                }
                let railsDone = clock.now
                let firstListsSeconds = try await firstLists.seconds
                let firstListsDone = clock.now
                _ = try await month.fallBackAll()
                let fallbackDone = clock.now
                // The rest: transfers that fell back to cash, listed after the approval's lists were written.
                _ = try await month.confirmCash(folder: folder, paidOn: "2026-06-10", notFound: notFound)
                let cashDone = clock.now
                try await waitFor {
                    try await RunStatus.list(period: period, districts: nil, database: database).allSatisfy { $0.state == .paidOut || $0.state == .completed }
                }
                let end = clock.now
                // The payout's statements, then counted afresh for the reconciliation.
                try await Task.sleep(for: Self.rowCountsFlushed)
                let (statements, payoutWrites) = try await Database.withRunning(owner, scope: .owner, logger: BenchmarkProvince.logger) { owner in
                    let top = try await StatementStatistics.top(owner, limit: 20)
                    let writes = try await StatementStatistics.writes(owner, table: "disbursements")
                    try await StatementStatistics.reset(owner)
                    return (top, writes)
                }
                let reconciliation = try await month.takeStatements(from: firstDay, simulator: simulator)
                try await Task.sleep(for: Self.rowCountsFlushed)
                let (reconciliationStatements, writesAfter) = try await Database.withRunning(owner, scope: .owner, logger: BenchmarkProvince.logger) {
                    (try await StatementStatistics.top($0, limit: 20), try await StatementStatistics.writes($0, table: "disbursements"))
                }
                print("  … statements: \(reconciliation.entries) entries reconciled in \(String(format: "%.1f", reconciliation.seconds)) s; "
                    + "\(reconciliation.monthsClosed) of \(districts.count) months closed")
                for sentence in try await month.openMonths() { print("  … " + sentence) }
                for process in processes { process.signal(SIGTERM) }
                for process in processes { await process.waitForExit() }
                let statistics = try await PayoutStatistics.read(database)
                let ledger = try await simulator.ledger()
                let twice = BankSimulatorProcess.creditedTwice(ledger).count
                let disbursements = statistics.byState.values.reduce(0, +)
                return Result(beneficiaries: beneficiaries, disbursements: disbursements,
                              transfers: try await PayoutStatistics.transfers(database), workers: workers, concurrency: concurrency,
                              batchSize: batchSize, faults: faults, computeSeconds: computeSeconds, secondsToAllTerminal: (end - start).seconds,
                              railsSeconds: (railsDone - start).seconds, firstListsSeconds: firstListsSeconds,
                              fallbackSeconds: (fallbackDone - firstListsDone).seconds,
                              cashSeconds: (cashDone - fallbackDone).seconds, completionSeconds: (end - cashDone).seconds,
                              statistics: statistics, reconciliation: reconciliation, credits: ledger.count, creditedTwice: twice, statements: statements,
                              reconciliationStatements: reconciliationStatements, payoutWrites: payoutWrites.since(writesBefore),
                              reconciliationWrites: writesAfter.since(payoutWrites))
            } catch {
                for process in processes { process.signal(SIGKILL) }
                for process in processes { await process.waitForExit() }
                throw error
            }
        }
    }

    /// One line of what is still on the rails, every few seconds: read from the runs' disbursements
    /// on the rails only (a count of every disbursement by state scanned the whole table each time,
    /// competing with what it measures).
    private func progress(_ runIDs: [Int64], _ database: Database) async throws -> String {
        var approved = 0, inFlight = 0, retrying = 0, waiting = 0
        for id in runIDs {
            let motion = try await RunRails.motion(runID: id, database: database)
            approved += motion.approved
            inFlight += motion.inFlight
            retrying += motion.retrying
            waiting += motion.waitingForFinance
        }
        return "on the rails: \(approved) approved, \(inFlight) in flight, \(retrying) retrying, \(waiting) waiting for finance"
    }

    /// Checks `condition` every second and reports progress every 15 s: the checks and the report
    /// (a count of every disbursement by state) compete with what they measure (at 1,000,000, a
    /// check every 200 ms and a report every 5 s took a fifth of a core), so they stay rare; the
    /// figures are good to a second.
    private func waitFor(report: (@Sendable () async throws -> String)? = nil, _ condition: @Sendable () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        var lastReport = clock.now
        while try await !condition() {
            try await Task.sleep(for: .seconds(1))
            if let report, clock.now - lastReport > .seconds(15) {
                print("  … " + (try await report()))
                lastReport = clock.now
            }
        }
    }
}
