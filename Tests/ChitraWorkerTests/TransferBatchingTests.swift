import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

/// Batching takes a transfer only while it is due: two batchings of the same run at once (the
/// rails' driver and a finance re-run) never put one transfer in two batches.
@Suite("Transfer batching", .timeLimit(.minutes(3)))
struct TransferBatchingTests {
    @Test("a transfer another batching took while this one waited for its row is left to it: sent once, no batch of nothing")
    func concurrentBatching() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await CashRailTests.listed(database)
            let (locked, lockedNow) = AsyncStream<Void>.makeStream()
            let (release, releaseNow) = AsyncStream<Void>.makeStream()
            let made = try await withThrowingTaskGroup(of: [TransferBatching.Batch].self) { group in
                // Another batching has taken B1 (submitted, one attempt) and not committed yet.
                group.addTask {
                    try await database.transaction("take B1") { connection in
                        try await connection.query("UPDATE disbursements SET state = 'submitted', attempts = attempts + 1 WHERE beneficiary_id = 'B1'",
                                                   logger: TestPostgres.logger)
                        lockedNow.finish()
                        for await _ in release {}
                    }
                    return []
                }
                for await _ in locked {}
                group.addTask {
                    try await TransferBatching.batchDue(runID: runID, district: "954", period: Period("2024-09")!, rail: .bank, database: database)
                }
                // This batching picked B1 as due and waits for its row.
                try await eventually("the second batching waits for B1's row") {
                    try await RunFixture.count(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", database) == 1
                }
                releaseNow.finish()
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(made.isEmpty)
            #expect(try await RunFixture.count("SELECT attempts::int8 FROM disbursements WHERE beneficiary_id = 'B1'", database) == 1)
            #expect(try await RunFixture.count("SELECT count(*) FROM disbursements WHERE batch_id IS NOT NULL", database) == 0)
            #expect(try await RunFixture.count("SELECT count(*) FROM transfer_batches", database) == 0)
        }
    }
}
