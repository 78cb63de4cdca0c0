import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// The snapshot of a run across shards: imports arriving between shards, control totals after
/// every shard, and runs of one district computing one after the other.
@Suite("Run snapshot and control totals", .machine(limit: .minutes(3)))
struct RunSnapshotTests {
    @Test("imports between shards change nothing of the run; new beneficiaries wait for the next; totals hold after every shard")
    func importsBetweenShards() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for index in 1...10 { file.add(String(format: "Z%02d", index), [.eligibleFrom: "2024-09"]) }
            file.add("Z11", [.eligibleFrom: "2024-10"])                                         // not a member of September
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            let plan = try await RunFixture.plan(runID, shardSize: 4, database)
            #expect(plan.members == 10 && plan.shards.map(\.lower) == ["Z01", "Z05", "Z09"])
            #expect(plan.shards.map(\.upper) == ["Z05", "Z09", nil])

            #expect(try await RunFixture.compute(plan.shards[0], database)?.disbursements == 4)
            try await RunFixture.expectTotalsHold(runID, database)

            var first = RegisterFileBuilder(district: "954")
            first.add("Z02", [.eligibleFrom: "2024-09", .category: "cao_tuoi_80_ngheo"])      // already computed
            first.add("Z06", [.eligibleFrom: "2024-09", .category: "cao_tuoi_80_ngheo"])      // 2.0, not yet computed
            first.add("Z07", [.eligibleFrom: "2024-09", .deceasedOn: "2024-09-10"])           // died, reported now
            first.add("Z09", [.eligibleFrom: "2024-09", .paymentMethod: "bank", .bankCode: "970405",
                              .accountNumber: "1234567890", .accountName: "Z09"])
            first.add("Z055", [.eligibleFrom: "2024-09"])                                       // new, inside shard 1
            first.add("Z11", [.eligibleFrom: "2024-08"])                                        // now entitled earlier
            try await RunFixture.importRegister(first, database)
            var second = RegisterFileBuilder(district: "954")
            second.add("Z06", [.eligibleFrom: "2024-09", .category: "khuyet_tat_nang"])       // again: 1.5
            try await RunFixture.importRegister(second, database)

            // Another month of the district waits while this run computes.
            let october = try await RunFixture.trigger("2024-10", database)
            await #expect(throws: RunPlanner.DistrictBusy.self) { _ = try await RunFixture.plan(october, shardSize: 4, database) }

            #expect(try await RunFixture.compute(plan.shards[1], database)?.disbursements == 4)
            try await RunFixture.expectTotalsHold(runID, database)
            let last = try await RunFixture.compute(plan.shards[2], database)
            #expect(last?.disbursements == 2 && last?.runState == .computed)
            try await RunFixture.expectTotalsHold(runID, database)

            let september = try await RunFixture.disbursements("2024-09", database)
            #expect(september.count == 10 && september.values.allSatisfy { $0 == 500_000 }, "as planned: \(september)")
            #expect(september["Z055"] == nil && september["Z11"] == nil, "not members when the run was planned")
            let status = try #require(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first)
            #expect(status.members == 10 && status.membersDone == 10 && status.totals.countByRail == ["cash": 10])

            // The next month reads the register as the imports left it.
            let next = try await RunFixture.plan(october, shardSize: 4, database)
            for shard in next.shards { _ = try await RunFixture.compute(shard, database) }
            let paid = try await RunFixture.disbursements("2024-10", database)
            #expect(paid["Z055"] == 1_000_000, "September's arrears and October")
            // The changes came while September was still computing: they apply from September, which
            // the snapshot paid at 1.0, so October pays the difference as arrears.
            let z06: Int64 = 250_000 + 750_000, z02: Int64 = 500_000 + 1_000_000
            #expect(paid["Z06"] == z06, "1.5 from September")
            #expect(paid["Z02"] == z02, "2.0 from September")
            #expect(paid["Z01"] == 500_000)
            #expect(paid["Z11"] == 1_500_000, "August and September arrears and October")
            try await RunFixture.expectTotalsHold(october, database)
        }
    }

    @Test("approval refuses a run whose recorded control totals differ from its disbursements")
    func approvalChecksTotals() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            for index in 1...3 { file.add("T\(index)", [.eligibleFrom: "2024-09"]) }
            try await RunFixture.importRegister(file, database)
            let runID = try await RunFixture.trigger("2024-09", database)
            for shard in try await RunFixture.plan(runID, shardSize: 2, database).shards { _ = try await RunFixture.compute(shard, database) }
            try await RunFixture.expectTotalsHold(runID, database)
            // A disbursement changed behind the run's back.
            try await database.client.query("UPDATE disbursements SET amount_vnd = amount_vnd + 1 WHERE beneficiary_id = 'T2'")
            do {
                _ = try await RunApproval.approve(district: "954", period: Period("2024-09")!, by: .test("finance", role: .finance), database: database)
                Issue.record("approved a run whose totals disagree")
            } catch let failure as RunApproval.Failure {
                #expect(failure.description == "The run of district 954 for 2024-09 records 3 disbursements of 1.500.000 ₫ "
                        + "but holds 3 of 1.500.001 ₫; it is not approved.")
            }
            #expect(try await RunStatus.list(period: Period("2024-09")!, districts: ["954"], database: database).first?.state == .computed)
        }
    }
}
