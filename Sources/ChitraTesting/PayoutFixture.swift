import AsyncHTTPClient
import ChitraCore
import ChitraLocal
import ChitraRails
import ChitraStore
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// A month paid out against a real `chitra-banksim` in tests: commune 31825's register approved,
/// the simulator's rails, and what must hold of the ledger at the end.
public enum PayoutFixture {
    public static let period = Period("2026-06")!

    /// A synthetic register of `count` beneficiaries of commune 31825 (the province's mix of methods), the
    /// commune's paying account set, the month triggered with auto-approve.
    public static func approvedMonth(count: Int, _ database: Database) async throws -> Int64 {
        let path = try await RegisterFileBuilder.synthetic(district: "31825", count: count)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try await RegisterImporter(database: database, policy: RunFixture.policy).importFile(at: path, district: "31825", by: .test("operator"))
        try await DistrictSettings.setPayingAccount(.init(name: "UBND Phường Bạc Liêu", account: "1234567890", bank: "970405"),
                                                    district: "31825", by: .test("admin", role: .admin), database: database)
        return try await RunFixture.trigger(period.description, unit: "31825", autoApprove: true, database)
    }

    public static func rails(_ simulator: BankSimulatorProcess, batchSize: Int = TransferBatching.maximumTransfers) -> RailSet {
        // Composed as `chitra worker` composes its rails (each request measured).
        RailSet.gateways(bankURL: simulator.bankURL, walletURL: simulator.walletURL, http: .shared, timeout: .milliseconds(800),
                         retry: RetryPolicy(base: .milliseconds(50), cap: .seconds(1)), inquiryInterval: .milliseconds(200), batchSize: batchSize,
                         longestInquiryWait: .seconds(1))
    }

    /// Runs an in-process worker with the simulator's rails until the rails settle.
    public static func settle(_ runID: Int64, _ simulator: BankSimulatorProcess, batchSize: Int = TransferBatching.maximumTransfers,
                       _ database: Database) async throws {
        try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy,
                                                                                          rails: PayoutFixture.rails(simulator, batchSize: batchSize)),
                                           configure: { $0.concurrency = 4 }) { _ in
            try await eventually(timeout: .seconds(120), "the rails settle", saw: { try await PayoutFixture.seen(database) }) {
                try await PayoutFixture.railsSettled(runID, database)
            }
        }
    }

    /// Writes a fault plan for the simulator.
    public static func faultFile(_ json: String) throws -> String {
        try RegisterFileBuilder.temporaryFile(Data(json.utf8))
    }

    /// The count a test's own statement makes.
    public static func count(_ sql: PostgresQuery, _ database: Database) async throws -> Int {
        try await FixtureReadings.count(sql, database)
    }

    public typealias Disbursement = FixtureReadings.Disbursement

    public static func disbursements(_ database: Database) async throws -> [Disbursement] {
        try await FixtureReadings.disbursements(database)
    }

    /// The disbursements by state and the jobs' last errors, for a wait that timed out.
    public static func seen(_ database: Database) async throws -> String {
        "\(try await byState(database)); jobs: \(try await FixtureReadings.troubles(database))"
    }

    public static func byState(_ database: Database) async throws -> [String: Int] {
        try await disbursements(database).reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }

    /// The rails have done what they can alone: nothing approved, in flight or waiting for a retry.
    public static func railsSettled(_ runID: Int64, _ database: Database) async throws -> Bool {
        guard try await RunRails.run(runID, database: database)?.state == .approved else { return false }
        return try await !RunRails.motion(runID: runID, database: database).isMoving
    }

    /// What must hold at the end: the ledger credits each transfer at most once, exactly the
    /// `paid` ones, none also paid in cash, and (`reconciles`: every disbursement terminal) the
    /// amounts add up.
    public static func checkLedger(_ simulator: BankSimulatorProcess, reconciles: Bool = true, _ database: Database) async throws {
        try await checkLedger(try await simulator.ledger(), reconciles: reconciles, database)
    }

    /// The same, of a ledger read otherwise (a simulator in a host of its own).
    public static func checkLedger(_ ledger: [BankSimulatorProcess.Credit], reconciles: Bool = true, _ database: Database) async throws {
        let disbursements = try await PayoutFixture.disbursements(database)
        let credits = Dictionary(grouping: ledger, by: \.endToEndID)
        let twice = BankSimulatorProcess.creditedTwice(ledger)
        #expect(twice.isEmpty, "credited more than once: \(twice.prefix(5))")
        #expect(try await FixtureReadings.transfersAstray(database) == 0, "a batch id naming no batch of the transfer's run and institution")
        let paid = Set(disbursements.filter { $0.state == "paid" }.map(\.endToEndID))
        #expect(Set(credits.keys) == paid, "credited but not paid: \(Set(credits.keys).subtracting(paid).prefix(5)); paid but not credited: \(paid.subtracting(credits.keys).prefix(5))")
        let byID = Dictionary(uniqueKeysWithValues: disbursements.map { ($0.endToEndID, $0) })
        for credit in ledger { #expect(credit.amountVND == byID[credit.endToEndID]?.amount, "credit of \(credit.endToEndID)") }
        let cash = disbursements.filter { $0.state == "paid_cash" }.map(\.endToEndID)
        #expect(Set(cash).isDisjoint(with: credits.keys), "paid in cash and credited")
        let credited = ledger.reduce(Int64(0)) { $0 + $1.amountVND }
        func sum(_ state: String) -> Int64 { disbursements.filter { $0.state == state }.reduce(0) { $0 + $1.amount } }
        let approved = disbursements.reduce(Int64(0)) { $0 + $1.amount }
        guard reconciles else { return }
        #expect(credited + sum("paid_cash") + sum("returned") + sum("stopped") == approved)
    }
}
