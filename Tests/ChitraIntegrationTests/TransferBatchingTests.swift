import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// Batching takes a transfer only while it is due: two batchings of the same run at once (the
/// rails' driver and a finance re-run) never put one transfer in two batches. One statement makes
/// all of a pass's batches: per institution, in beneficiary order, at most the batch size each.
@Suite("Transfer batching", .machine(limit: .minutes(3)))
struct TransferBatchingTests {
    @Test("one pass batches every due transfer once: one institution per batch, at most the batch size, in beneficiary order")
    func batchesPerInstitution() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for (index, id) in ["B1", "B2", "B3", "B4", "B5", "B6", "B7"].enumerated() {
                file.add(id, [.eligibleFrom: "2024-09", .paymentMethod: "bank", .bankCode: index < 4 ? "970436" : "970405",
                              .accountNumber: "12345678\(index)", .accountName: id])
            }
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", autoApprove: true, database)
            // A worker without gateways computes and approves; the transfers wait for their rail.
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                try await eventually("approved") {
                    let states = try await CashRailTests.states(database)
                    return states.count == 7 && states.values.allSatisfy { $0 == "approved" }
                }
            }
            let made = try await TransferBatching.batchDue(runID: runID, district: "954", period: Period("2024-09")!, rail: .bank,
                                                           maximumTransfers: 3, database: database)
            #expect(made.map(\.transfers).sorted() == [1, 3, 3])
            #expect(made.reduce(0) { $0 + $1.transfers } == 7)
            var members: [String: [String]] = [:]
            for try await (batch, institution, id) in try await database.query("""
                SELECT t.message_id, t.institution, d.beneficiary_id FROM disbursements d JOIN transfer_batches t ON t.id = d.batch_id
                WHERE d.state = 'submitted' AND d.attempts = 1 ORDER BY d.beneficiary_id
                """, "batches").decode((String, String, String).self) {
                members[batch + " " + institution, default: []].append(id)
            }
            #expect(Set(members.values) == [["B1", "B2", "B3"], ["B4"], ["B5", "B6", "B7"]])
            #expect(Set(made.map(\.messageID)) == Set(members.keys.map { String($0.split(separator: " ")[0]) }))
            // Nothing is due any more: a second pass makes no batch.
            #expect(try await TransferBatching.batchDue(runID: runID, district: "954", period: Period("2024-09")!, rail: .bank,
                                                        maximumTransfers: 3, database: database).isEmpty)
            #expect(try await RunFixture.count("SELECT count(*) FROM jobs WHERE kind = 'transfer'", database) == 3)
        }
    }

    @Test("a retry and an inquiry fall due by the clock the rails are given: not before, and at once when the test moves it past their delay")
    func retriesAndInquiriesByTheClock() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for (index, id) in ["R1", "R2"].enumerated() {
                file.add(id, [.eligibleFrom: "2024-09", .paymentMethod: "bank", .bankCode: "970436",
                              .accountNumber: "98765432\(index)", .accountName: id])
            }
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", autoApprove: true, database)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                try await eventually("approved") { try await CashRailTests.states(database).values.filter { $0 == "approved" }.count == 2 }
            }
            let time = MovingTime()
            let period = Period("2024-09")!
            func batchDue() async throws -> [TransferBatching.Batch] {
                try await TransferBatching.batchDue(runID: runID, district: "954", period: period, rail: .bank, time: time.databaseTime,
                                                    database: database)
            }
            let batch = try await TransferBatchRecord.load(id: try #require(try await batchDue().first).id, database: database)
            let transfers = try await batch.openTransfers(database: database).sorted { $0.beneficiaryID < $1.beneficiaryID }
            try #require(transfers.map(\.beneficiaryID) == ["R1", "R2"])
            // R1 rejected for a temporary reason (retried after ten minutes), R2 accepted (asked about after five).
            _ = try await database.transaction("answers") { connection in
                try await batch.record([(transfers[0], .rejected(reason: "AM04", retryable: true)), (transfers[1], .accepted)], problem: nil,
                                       retry: RetryPolicy(base: .seconds(600), cap: .seconds(3_600), jitter: 0),
                                       inquiryInterval: .seconds(300), time: time.databaseTime, on: connection)
            }
            #expect(try await batchDue().isEmpty)
            #expect(try await RunRails.dueInquiries(runID: runID, limit: 10, time: time.databaseTime, database: database).isEmpty)
            time.advance(by: .seconds(301))
            #expect(try await RunRails.dueInquiries(runID: runID, limit: 10, time: time.databaseTime, database: database).map(\.beneficiaryID) == ["R2"])
            #expect(try await batchDue().isEmpty, "R1's retry is not due yet")
            time.advance(by: .seconds(300))
            let retried = try await batchDue()
            #expect(retried.map(\.transfers) == [1])
            let again = try await TransferBatchRecord.load(id: try #require(retried.first).id, database: database)
            #expect(try await again.openTransfers(database: database).map(\.beneficiaryID) == ["R1"])
        }
    }

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
