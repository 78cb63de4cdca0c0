import ChitraCore
import ChitraStore
import Foundation
import PostgresNIO
import Testing

/// The steps of a monthly run driven by hand in tests (district 954), and what they read back.
public enum RunFixture {
    public static let policy = try! PolicyTable.bundled()
    public static let calculator = EntitlementCalculator(policy: policy)

    public struct Unexpected: Error { public var what: String; public init(_ what: String) { self.what = what } }

    public static func importRegister(_ file: RegisterFileBuilder, _ database: Database) async throws {
        _ = try await RegisterImporter(database: database, policy: policy).importFile(at: try file.write(), district: file.district, by: .test("operator"))
    }

    /// Triggers `period` for `unit` (district 954 for months before 2025-07); returns the run's id.
    public static func trigger(_ period: String, unit: String = "954", autoApprove: Bool = false, _ database: Database) async throws -> Int64 {
        let outcomes = try await RunCoordinator(database: database)
            .trigger(period: Period(period)!, districts: [unit], by: .test("operator", role: .operator), autoApprove: autoApprove)
        guard case .started(_, let runID, _) = outcomes.first else { throw Unexpected(outcomes.description) }
        return runID
    }

    /// Beneficiaries `prefix`1…`count` of district 954 entitled from `period`, imported; the month
    /// triggered and planned in shards of `shardSize`.
    public static func planned(_ prefix: String, count: Int, period: String = "2024-09", shardSize: Int = RunPlanner.shardSize,
                        _ database: Database) async throws -> (runID: Int64, plan: RunPlanner.Plan) {
        var file = RegisterFileBuilder(district: "954")
        for index in 1...count { file.add("\(prefix)\(index)", [.eligibleFrom: .init(period)]) }
        try await importRegister(file, database)
        let runID = try await trigger(period, database)
        return (runID, try await plan(runID, shardSize: shardSize, database))
    }

    /// Plans the run (first generation) as its plan job does.
    public static func plan(_ runID: Int64, shardSize: Int = RunPlanner.shardSize, _ database: Database) async throws -> RunPlanner.Plan {
        guard let plan = try await database.transaction("plan", { try await RunPlanner.plan(runID: runID, generation: 1, shardSize: shardSize, on: $0) })
        else { throw Unexpected("run \(runID) was not planning") }
        return plan
    }

    /// Computes a shard in its own transaction, as a compute job does.
    public static func compute(_ shard: RunShard, _ database: Database) async throws -> RunComputer.Result? {
        try await database.transaction("compute") { try await RunComputer.compute(shard, calculator: calculator, on: $0) }
    }

    public static func disbursements(_ period: String, _ database: Database) async throws -> [String: Int64] {
        try await FixtureReadings.amounts(Period(period)!, database)
    }

    /// The count a test's own statement makes.
    public static func count(_ sql: String, _ database: Database) async throws -> Int {
        try await FixtureReadings.count(PostgresQuery(unsafeSQL: sql), database)
    }

    /// The recorded control totals equal those counted from the run's disbursements.
    public static func expectTotalsHold(_ runID: Int64, _ database: Database, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (recorded, counted) = try await database.transaction("totals") { connection in
            (try await RunApproval.controlTotals(runID: runID, on: connection),
             try await RunApproval.disbursementTotals(runID: runID, on: connection))
        }
        #expect(recorded == counted, sourceLocation: sourceLocation)
    }
}
