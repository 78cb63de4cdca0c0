import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// Today's entries fetched by the workers while the day lasts (issue 28): a transfer is settled the
/// hour its debit is booked, from the bank's camt.054, and the job asks again later; a day that has
/// ended (by the database's clock, the queue's) is asked once more and the job completes.
@Suite("Notifications fetched through the day", .machine(limit: .minutes(3)))
struct StatementNotificationFetchTests {
    static let finance = Identity.test("Kế toán", role: .finance)

    @Test("today's notification settles the transfers debited so far and the job waits to ask again; a day ended is asked once and completes")
    func throughTheDay() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await PayoutFixture.approvedMonth(count: 40, database)
            try await BankSimulatorProcess.with(["--faults", "none"]) { simulator in
                try await PayoutFixture.settle(runID, simulator, database)
                let today = VietnamTime.today(), yesterday = Day(daysSince2000: VietnamTime.today().daysSince2000 - 1)
                await #expect(throws: StatementJobs.Failure.notToday(yesterday, today: today)) {
                    try await StatementJobs.requestNotifications(unit: "31825", day: yesterday, every: .seconds(600), today: today, by: Self.finance, database: database)
                }
                await #expect(throws: StatementJobs.Failure.badInterval(.seconds(30))) {
                    try await StatementJobs.requestNotifications(unit: "31825", day: today, every: .seconds(30), today: today, by: Self.finance, database: database)
                }
                let asked = try await StatementJobs.requestNotifications(unit: "31825", day: today, every: .seconds(600), today: today,
                                                                         by: Self.finance, database: database)
                #expect(asked.inserted)
                let again = try await StatementJobs.requestNotifications(unit: "31825", day: today, every: .seconds(600), today: today,
                                                                         by: Self.finance, database: database)
                #expect(!again.inserted && again.id == asked.id, "once per unit and day")
                // Yesterday ended long ago: asked once (the bank had nothing that day), done.
                let queue = JobQueue(database: database)
                let ended = try await queue.enqueue(StatementJobs.notifications(unit: "31825", day: yesterday, every: .seconds(600))).id
                let paidByBank = try await PayoutFixture.disbursements(database).filter { $0.rail == "bank" && $0.state == "paid" }
                #expect(!paidByBank.isEmpty)

                try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy, rails: PayoutFixture.rails(simulator)),
                                                   configure: { $0.concurrency = 2 }) { _ in
                    try await eventually(timeout: .seconds(60), "today's notification is taken in and the job waits to ask again",
                                         saw: { "\(try await queue.show(id: asked.id))" }) {
                        let job = try await queue.show(id: asked.id)
                        let taken = try await StatementRecords.list(unit: "31825", database: database)
                        return job.state == .available && job.runAt > Date().addingTimeInterval(300) && taken.contains { $0.kind == "notification" }
                    }
                    try await eventually(timeout: .seconds(60), "yesterday's job completes") { try await queue.show(id: ended).state == .completed }
                }
                let settled = try await PayoutFixture.disbursements(database).filter { $0.rail == "bank" && $0.state == "settled" }
                #expect(Set(settled.map(\.endToEndID)) == Set(paidByBank.map(\.endToEndID)), "every transfer debited today is settled the same day")
                let job = try await queue.show(id: asked.id)
                #expect(job.attempt <= 1 && job.lastError == nil, "waiting to ask again is no failure: \(job)")
            }
        }
    }
}
