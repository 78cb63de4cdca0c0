import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// Statements fetched daily by the workers (issue 28): a day the bank never has a statement of (no
/// entry that day, a bank holiday) is let go on the job's last attempt and the next day asked, so
/// that the chain never ends on its own; a statement truly missing shows as a gap once the next is in.
@Suite("Statements fetched daily", .machine(limit: .minutes(2)))
struct StatementFetchChainTests {
    @Test("a day without a statement ends its last attempt without ending the daily chain: the next day is asked; asked once, it fails")
    func dayWithoutStatement() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await PayoutFixture.approvedMonth(count: 5, database)
            let day = Day("2026-06-06")!, next = Day("2026-06-07")!
            var daily = StatementJobs.fetch(unit: "31825", day: day, daily: true)
            daily.maxAttempts = 1
            var once = StatementJobs.fetch(unit: "31825", day: Day("2026-06-01")!, daily: false)
            once.maxAttempts = 1
            let queue = JobQueue(database: database)
            let (chained, single) = (try await queue.enqueue(daily).id, try await queue.enqueue(once).id)
            try await BankSimulatorProcess.with(["--faults", "none"]) { simulator in
                try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy, rails: PayoutFixture.rails(simulator)),
                                                   configure: { $0.concurrency = 2 }) { _ in
                    try await eventually("both jobs done", saw: { "\(try await queue.show(id: chained)) \(try await queue.show(id: single))" }) {
                        let (first, second) = (try await queue.show(id: chained).state, try await queue.show(id: single).state)
                        return first == .completed && second == .discarded
                    }
                }
            }
            let asked = try await queue.list(.init(kind: StatementJobs.fetchKind.rawValue, limit: 10)).filter { $0.uniqueKey == "statements.fetch:31825:\(next)" }
            // Asked, and (its day long ended) already tried by the worker: the bank has none of it either.
            #expect(asked.count == 1 && [.available, .retryable, .running].contains(asked[0].state) 
                    && (try? JSONDecoder().decode(StatementJobs.FetchArgs.self, from: Data(asked[0].args.utf8)))?.daily == true,
                    "\(asked)")
            #expect(try await StatementRecords.list(database: database).isEmpty)
        }
    }
}
