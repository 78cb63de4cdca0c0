import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation

extension ProvinceMonth {
    /// What the statements of the month did.
    struct StatementsTaken: Sendable, Codable {
        var statements = 0
        var entries = 0
        var settled = 0
        var breaks = 0
        var seconds = 0.0
        /// Runs of the month completed once the statements were in.
        var monthsClosed = 0
        /// Unit-days the bank had no statement of (nothing on the account yet).
        var daysWithoutStatement = 0
    }

    /// Each unit's paying account statements of the days the month was paid, once those days have
    /// ended (the simulator's calendar moved a day ahead), as finance asks for them: a
    /// `statements.fetch` job a unit and day, fetched from the gateway, read and taken in by the
    /// workers; timed until every one is in. The last one closes each paid-out month.
    func takeStatements(from firstDay: Day, simulator: BankSimulatorProcess) async throws -> StatementsTaken {
        let clock = ContinuousClock()
        let lastDay = VietnamTime.today()
        try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 1}"#)
        let bankToday = Day(daysSince2000: lastDay.daysSince2000 + 1)
        let days = (firstDay.daysSince2000...lastDay.daysSince2000).map { Day(daysSince2000: $0) }
        let start = clock.now
        var asked: [Int64] = []
        for district in districts {
            for day in days {
                asked.append(try await StatementJobs.requestFetch(unit: district, day: day, daily: false, today: bankToday, by: people.finance,
                                                                  database: database).id)
            }
        }
        // Every day asked is taken in, or the bank has no statement of it (no entry on the account
        // yet: a unit the bank paid nothing for, or a day before its first transfer).
        let queue = JobQueue(database: database)
        let ids = Set(asked)
        var noStatement = 0
        // A ceiling that only catches a hang: a million's statements are in well within it.
        let deadline = clock.now + .seconds(600)
        while true {
            let jobs = try await queue.list(.init(kind: StatementJobs.fetchKind.rawValue, limit: 100_000)).filter { ids.contains($0.id) }
            if let job = jobs.first(where: { $0.state == .discarded }) {
                throw StatementJobFailed(description: "statement job \(job.id) failed: \(job.lastError ?? "")")
            }
            let none = jobs.filter { $0.state == .retryable && StatementJobs.saysNoStatementYet($0.lastError) }
            if jobs.count == ids.count, jobs.filter({ $0.state == .completed }).count + none.count == jobs.count {
                noStatement = none.count
                break
            }
            guard clock.now < deadline else {
                throw StatementJobFailed(description: "the statements were not all taken in within 10 minutes: see the workers' logs and `chitra jobs`")
            }
            try await Task.sleep(for: .seconds(1))
        }
        let units = Set(districts), dayTexts = Set(days.map(\.description))
        @Sendable func taken() async throws -> [StatementRecords.Record] {
            try await StatementRecords.list(limit: 100_000, database: database).filter { units.contains($0.unit) && dayTexts.contains($0.day) }
        }
        var result = StatementsTaken(seconds: (clock.now - start).seconds, daysWithoutStatement: noStatement)
        for record in try await taken() {
            result.statements += 1
            result.entries += record.entries
            result.settled += record.outcomes["settled", default: 0]
            result.breaks += record.outcomes["break", default: 0]
        }
        result.monthsClosed = try await RunStatus.list(period: period, districts: districts, database: database).filter { $0.state == .completed }.count
        return result
    }

    /// Why each month still open stays so, one sentence a unit.
    func openMonths() async throws -> [String] {
        var sentences: [String] = []
        for run in try await RunStatus.list(period: period, districts: districts, database: database) where run.state != .completed {
            let obstacles = try await RunClosing.obstacles(unit: run.district, period: period, database: database)
            sentences.append(obstacles.map { MonthClosing.sentence(unit: run.district, period: period, $0) }
                             ?? "The run of unit \(run.district) for \(period) is \(run.state.rawValue).")
        }
        return sentences
    }
}

/// A statement the workers could not take in: the benchmark or demo stops, saying why.
struct StatementJobFailed: Error, CustomStringConvertible {
    var description: String
}
