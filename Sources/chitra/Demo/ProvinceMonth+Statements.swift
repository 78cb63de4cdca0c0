import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation

extension ProvinceMonth {
    /// What the statements of the month did.
    struct StatementsTaken: Sendable {
        var statements = 0
        var entries = 0
        var settled = 0
        var breaks = 0
        var seconds = 0.0
        /// Runs of the month completed once the statements were in.
        var monthsClosed = 0
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
        for district in districts {
            for day in days {
                _ = try await StatementJobs.requestFetch(unit: district, day: day, daily: false, today: bankToday, by: people.finance, database: database)
            }
        }
        let queue = JobQueue(database: database)
        let units = Set(districts), asked = Set(days.map(\.description))
        @Sendable func taken() async throws -> [StatementRecords.Record] {
            try await StatementRecords.list(limit: 100_000, database: database).filter { units.contains($0.unit) && asked.contains($0.day) }
        }
        while true {
            let failed = try await queue.list(.init(kind: StatementJobs.fetchKind.rawValue, state: .discarded, limit: 1))
            if let job = failed.first { throw StatementJobFailed(description: "statement job \(job.id) failed: \(job.lastError ?? "")") }
            if try await taken().count == districts.count * days.count { break }
            try await Task.sleep(for: .seconds(1))
        }
        var result = StatementsTaken(seconds: (clock.now - start).seconds)
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
