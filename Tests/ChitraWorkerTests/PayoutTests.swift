import AsyncHTTPClient
import ChitraCore
import ChitraLocal
import ChitraRails
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// Paying out against a real `chitra-banksim`: every disbursement reaches a terminal
/// state, nobody is paid twice even by a bank that does not deduplicate, and the month reconciles.
@Suite("Paying out", .machine(limit: .minutes(6)))
struct PayoutTests {
    static let period = Period("2026-06")!

    /// A synthetic register of `count` beneficiaries of commune 31825 (the province's mix of methods), the
    /// commune's paying account set, the month triggered with auto-approve.
    static func approvedMonth(count: Int, _ database: Database) async throws -> Int64 {
        let path = try await RegisterFileBuilder.synthetic(district: "31825", count: count)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try await RegisterImporter(database: database, policy: RunFixture.policy).importFile(at: path, district: "31825", by: .test("operator"))
        try await DistrictSettings.setPayingAccount(.init(name: "UBND Phường Bạc Liêu", account: "1234567890", bank: "970405"),
                                                    district: "31825", by: .test("admin", role: .admin), database: database)
        return try await RunFixture.trigger(period.description, unit: "31825", autoApprove: true, database)
    }

    static func rails(_ simulator: BankSimulatorProcess, batchSize: Int = TransferBatching.maximumTransfers) -> RailSet {
        RailSet(bank: BankRail(http: .shared, baseURL: simulator.bankURL, timeout: .milliseconds(800)),
                wallet: WalletRail(http: .shared, baseURL: simulator.walletURL, timeout: .milliseconds(800)),
                retry: RetryPolicy(base: .milliseconds(50), cap: .seconds(1)), inquiryInterval: .milliseconds(200), batchSize: batchSize,
                longestInquiryWait: .seconds(1))
    }

    /// Runs an in-process worker with the simulator's rails until the rails settle.
    static func settle(_ runID: Int64, _ simulator: BankSimulatorProcess, batchSize: Int = TransferBatching.maximumTransfers,
                       _ database: Database) async throws {
        try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy,
                                                                                          rails: Self.rails(simulator, batchSize: batchSize)),
                                           configure: { $0.concurrency = 4 }) { _ in
            try await eventually(timeout: .seconds(120), "the rails settle", saw: { try await Self.seen(database) }) {
                try await Self.railsSettled(runID, database)
            }
        }
    }

    /// Writes a fault plan for the simulator.
    static func faultFile(_ json: String) throws -> String {
        try RegisterFileBuilder.temporaryFile(Data(json.utf8))
    }

    static func count(_ sql: PostgresQuery, _ database: Database) async throws -> Int {
        var result = 0
        for try await value in try await database.client.query(sql).decode(Int64.self) { result = Int(value) }
        return result
    }

    struct Disbursement: Sendable, Hashable {
        var endToEndID: String
        var beneficiaryID: String
        var amount: Int64
        var state: String
        var rail: String
    }

    static func disbursements(_ database: Database) async throws -> [Disbursement] {
        var result: [Disbursement] = []
        for try await (id, beneficiary, amount, state, rail) in try await database.client.query(
            "SELECT end_to_end_id, beneficiary_id, amount_vnd, state, rail FROM disbursements").decode((String, String, Int64, String, String).self) {
            result.append(Disbursement(endToEndID: id, beneficiaryID: beneficiary, amount: amount, state: state, rail: rail))
        }
        return result
    }

    /// The disbursements by state and the jobs' last errors, for a wait that timed out.
    static func seen(_ database: Database) async throws -> String {
        var errors: [String] = []
        for try await (kind, state, error) in try await database.client.query(
            "SELECT kind, state::text, coalesce(last_error, '') FROM jobs WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 5")
            .decode((String, String, String).self) { errors.append("\(kind) \(state): \(error)") }
        for try await (total, missing, batches) in try await database.client.query(
            "SELECT count(*), count(*) FILTER (WHERE institution IS NULL), (SELECT count(*) FROM transfer_batches) FROM disbursements WHERE rail <> 'cash'")
            .decode((Int64, Int64, Int64).self) { errors.append("\(total) by bank or wallet, \(missing) without a creditor, \(batches) batches") }
        return "\(try await byState(database)); jobs: \(errors)"
    }

    static func byState(_ database: Database) async throws -> [String: Int] {
        try await disbursements(database).reduce(into: [:]) { $0[$1.state, default: 0] += 1 }
    }

    /// The rails have done what they can alone: nothing approved, in flight or waiting for a retry.
    static func railsSettled(_ runID: Int64, _ database: Database) async throws -> Bool {
        guard try await RunRails.run(runID, database: database)?.state == .approved else { return false }
        return try await !RunRails.motion(runID: runID, database: database).isMoving
    }

    /// What must hold at the end: the ledger credits each transfer at most once, exactly the
    /// `paid` ones, none also paid in cash, and (`reconciles`: every disbursement terminal) the
    /// amounts add up.
    static func checkLedger(_ simulator: BankSimulatorProcess, reconciles: Bool = true, _ database: Database) async throws {
        let ledger = try await simulator.ledger()
        let disbursements = try await Self.disbursements(database)
        let credits = Dictionary(grouping: ledger, by: \.endToEndID)
        let twice = BankSimulatorProcess.creditedTwice(ledger)
        #expect(twice.isEmpty, "credited more than once: \(twice.prefix(5))")
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

    @Test("realistic faults and a careless bank: all terminal after the cash confirmations, each credited at most once, never also in cash, Σ reconciles, every file valid")
    func realisticFaultsNoDedup() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await Self.approvedMonth(count: 800, database)
            let archive = NSTemporaryDirectory() + "chitra-archive-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: archive) }
            try await BankSimulatorProcess.with(["--faults", "realistic", "--no-dedup", "--seed", "7", "--archive", archive]) { simulator in
                try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy, rails: Self.rails(simulator)),
                                                   configure: { $0.concurrency = 4 }) { _ in
                    try await eventually(timeout: .seconds(120), "the rails settle", saw: { try await Self.seen(database) }) {
                        try await Self.railsSettled(runID, database)
                    }
                    // What is left failed waits for finance: to cash.
                    _ = try await FinanceRerun.fallBack(FinanceScope(district: "31825", period: Self.period), by: .test("finance", role: .finance), database: database)
                    let states = try await Self.byState(database)
                    #expect(states["paid", default: 0] > 0 && states["cash_instructed", default: 0] > 0 && states["stopped", default: 0] > 0,
                            "\(states)")
                    let (file, _, notFound) = try await PostOffice.confirmations(
                        district: "31825", period: Self.period, paidOn: "2026-06-10", notFound: { $0.hasSuffix("7") }, database: database)
                    defer { try? FileManager.default.removeItem(atPath: file) }
                    #expect(notFound > 0)
                    _ = try await CashConfirmation.confirm(path: file, by: .test("post office", role: .finance), database: database)
                    try await eventually("the run completes", saw: { "\(try await Self.byState(database))" }) {
                        try await RunRails.run(runID, database: database)?.state == .completed
                    }
                }
                let states = try await Self.byState(database)
                #expect(Set(states.keys).isSubset(of: ["paid", "paid_cash", "returned", "stopped"]), "\(states)")
                try await Self.checkLedger(simulator, database)
                let review = try await database.client.query("SELECT count(*) FROM beneficiaries WHERE account_review").decode(Int64.self)
                for try await count in review { #expect(count > 0, "permanent rejections flag accounts for review") }
            }
            let files = try FileManager.default.subpathsOfDirectory(atPath: archive).filter { $0.hasSuffix(".xml") }.map { archive + "/" + $0 }
            #expect(files.count > 10)
            let verdict = try await ISO20022Validator.validate(files: files)
            #expect(verdict.valid, "\(verdict.output.split(separator: "\n").filter { !$0.hasPrefix("OK") }.prefix(5))")
        }
    }

    @Test("lost answers, timeouts, 5xx, untrustworthy answers and a careless bank: unknown outcomes are inquired, only what never arrived is resent, nobody is credited twice")
    func harshFaults() async throws {
        let faults = try Self.faultFile("""
            {"lost_responses": 0.15, "timeouts": 0.05, "server_errors": 0.15, "bad_answers": 0.2, "timeout_ms": 1200,
             "temporary_rejections": {"AM04": 0.1}, "pending": 0.1, "pending_ms": 300, "rejections": {"AC01": 0.03, "MD07": 0.01}}
            """)
        defer { try? FileManager.default.removeItem(atPath: faults) }
        try await TestPostgres.withDatabase { database in
            let runID = try await Self.approvedMonth(count: 800, database)
            try await BankSimulatorProcess.with(["--faults", faults, "--no-dedup", "--seed", "11"]) { simulator in
                // Small batches: many requests, so that every kind of fault is met (about 40 posts).
                try await Self.settle(runID, simulator, batchSize: 10, database)
                try await Self.checkLedger(simulator, reconciles: false, database)
                let states = try await Self.byState(database)
                #expect(states["submitted"] == nil && states["accepted"] == nil && states["pending"] == nil, "\(states)")
                let refused = try await Self.count("SELECT count(*) FROM transfer_batches WHERE last_error LIKE '%answer was refused%'", database)
                let unreachable = try await Self.count("SELECT count(*) FROM transfer_batches WHERE last_error LIKE '%did not answer%' OR last_error LIKE '%HTTP 503%'", database)
                let resent = try await Self.count("SELECT count(*) FROM disbursements WHERE attempts > 1", database)
                #expect(refused > 0 && unreachable > 0 && resent > 0, "refused \(refused), unreachable \(unreachable), resent \(resent)")
            }
        }
    }

    @Test("finance re-runs after the gateway recovers: only failed transfers are resent, with their EndToEndIds, none paid twice; a scope with nothing failed sends nothing")
    func financeRerun() async throws {
        // AM04 on every arrival until the faults are switched off: retries run out, transfers wait for finance.
        let faults = try Self.faultFile(#"{"temporary_rejections": {"AM04": 0.3}, "temporary_arrivals": 1000}"#)
        defer { try? FileManager.default.removeItem(atPath: faults) }
        try await TestPostgres.withDatabase { database in
            let runID = try await Self.approvedMonth(count: 600, database)
            try await BankSimulatorProcess.with(["--faults", faults, "--no-dedup"]) { simulator in
                try await Self.settle(runID, simulator, database)
                let scope = FinanceScope(district: "31825", period: Self.period)
                let preview = try await scope.preview(database: database)
                #expect(preview.count > 0 && preview.groups.allSatisfy { $0.reason == "AM04" }, "\(preview)")
                let exhausted = try await Self.count("SELECT count(*) FROM disbursements WHERE state = 'failed' AND attempts = \(DisbursementStateMachine.maximumAttempts) AND retry_at IS NULL", database)
                #expect(exhausted == preview.count)
                let paidBefore = try await Self.disbursements(database).filter { $0.state == "paid" }.map(\.endToEndID)

                try await simulator.setFaults("none")
                let outcome = try await FinanceRerun.retry(scope, by: .test("Trần Thị Kế Toán", role: .finance), expecting: preview.count, database: database)
                #expect(outcome.moved == preview.count)
                try await Self.settle(runID, simulator, database)
                #expect(try await scope.preview(database: database).count == 0)
                let after = try await Self.disbursements(database)
                #expect(after.filter { $0.state == "failed" }.isEmpty)
                let retried = try await Self.count("SELECT count(*) FROM disbursements WHERE retried_by = 'Trần Thị Kế Toán' AND state = 'paid'", database)
                #expect(retried == preview.count)
                // Nothing failed any more: a re-run sends nothing.
                let again = try await FinanceRerun.retry(scope, by: .test("Trần Thị Kế Toán", role: .finance), database: database)
                #expect(again.moved == 0 && again.batches.isEmpty && again.preview.count == 0)
                try await Self.checkLedger(simulator, reconciles: false, database)
                #expect(Set(paidBefore).isSubset(of: Set(after.filter { $0.state == "paid" }.map(\.endToEndID))))
            }
        }
    }
}
