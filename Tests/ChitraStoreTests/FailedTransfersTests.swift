import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Testing

@Suite("Failed transfers", .machine(limit: .minutes(2)))
struct FailedTransfersTests {
    @Test("the month's failed transfers with the register's names, a page at a time beyond any page size, the totals over all of them")
    func pages() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "959")
            for (id, name) in [("G1", "Lê Văn Một"), ("G2", "Lê Thị Hai"), ("G3", "Phạm Văn Ba")] { file.add(id, [.fullName: name]) }
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "959", by: .test("operator", role: .operator))
            _ = try await RunCoordinator(database: database).trigger(period: Period("2024-09")!, districts: ["959"],
                                                                     by: .test("op", role: .operator), autoApprove: false)
            try await database.client.query("""
                INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id,
                                           state, failure_reason, institution)
                SELECT f.person, '2024-09-01', '959', r.id, 'btxh', f.amount, 'bank', 'bank', 'CT959202409N' || f.person, 'failed', f.reason, '970405'
                FROM runs r, (VALUES ('G1', 100000::int8, 'AC01'), ('G2', 200000::int8, 'AM04'), ('G3', 300000::int8, 'AC01')) AS f(person, amount, reason)
                WHERE r.unit_code = '959'
                """)
            let first = try await FailedTransfers.read(period: Period("2024-09")!, unit: nil, reason: nil, after: nil, limit: 2, database: database)
            #expect(first.items.map(\.fullName) == ["Lê Văn Một", "Lê Thị Hai"] && first.next == "959/G2")
            #expect(first.totals == .init(count: 3, amountVND: 600_000) && first.items[0].institution == "970405")
            let second = try await FailedTransfers.read(period: Period("2024-09")!, unit: nil, reason: nil, after: first.next, limit: 2,
                                                        database: database)
            #expect(second.items.map(\.beneficiaryID) == ["G3"] && second.next == nil)
            let ac01 = try await FailedTransfers.read(period: Period("2024-09")!, unit: "959", reason: "AC01", after: nil, database: database)
            #expect(ac01.items.map(\.beneficiaryID) == ["G1", "G3"] && ac01.totals == .init(count: 2, amountVND: 400_000))
        }
    }
}
