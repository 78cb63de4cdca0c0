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
    @Test("realistic faults and a careless bank: all terminal after the cash confirmations, each credited at most once, never also in cash, Σ reconciles, every file valid")
    func realisticFaultsNoDedup() async throws {
        try await TestPostgres.withDatabase { database in
            let runID = try await PayoutFixture.approvedMonth(count: 800, database)
            let archive = NSTemporaryDirectory() + "chitra-archive-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: archive) }
            try await BankSimulatorProcess.with(["--faults", "realistic", "--no-dedup", "--seed", "7", "--archive", archive]) { simulator in
                try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy, rails: PayoutFixture.rails(simulator)),
                                                   configure: { $0.concurrency = 4 }) { _ in
                    try await eventually(timeout: .seconds(120), "the rails settle", saw: { try await PayoutFixture.seen(database) }) {
                        try await PayoutFixture.railsSettled(runID, database)
                    }
                    // What is left failed waits for finance: to cash.
                    _ = try await FinanceRerun.fallBack(FinanceScope(district: "31825", period: PayoutFixture.period), by: .test("finance", role: .finance), database: database)
                    let states = try await PayoutFixture.byState(database)
                    #expect(states["paid", default: 0] > 0 && states["cash_instructed", default: 0] > 0 && states["stopped", default: 0] > 0,
                            "\(states)")
                    let (file, _, notFound) = try await PostOffice.confirmations(
                        district: "31825", period: PayoutFixture.period, paidOn: "2026-06-10", notFound: { $0.hasSuffix("7") }, database: database)
                    defer { try? FileManager.default.removeItem(atPath: file) }
                    #expect(notFound > 0)
                    _ = try await CashConfirmation.confirm(path: file, by: .test("post office", role: .finance), database: database)
                    // Every disbursement has its outcome: paid out, the month waiting for the bank's statements.
                    try await eventually("the run is paid out", saw: { "\(try await PayoutFixture.byState(database))" }) {
                        try await RunRails.run(runID, database: database)?.state == .paidOut
                    }
                }
                let states = try await PayoutFixture.byState(database)
                #expect(Set(states.keys).isSubset(of: ["paid", "paid_cash", "returned", "stopped"]), "\(states)")
                try await PayoutFixture.checkLedger(simulator, database)
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
        let faults = try PayoutFixture.faultFile("""
            {"lost_responses": 0.15, "timeouts": 0.05, "server_errors": 0.15, "bad_answers": 0.2, "timeout_ms": 1200,
             "temporary_rejections": {"AM04": 0.1}, "pending": 0.1, "pending_ms": 300, "rejections": {"AC01": 0.03, "MD07": 0.01}}
            """)
        defer { try? FileManager.default.removeItem(atPath: faults) }
        try await TestPostgres.withDatabase { database in
            let runID = try await PayoutFixture.approvedMonth(count: 800, database)
            try await BankSimulatorProcess.with(["--faults", faults, "--no-dedup", "--seed", "11"]) { simulator in
                // Small batches: many requests, so that every kind of fault is met (about 40 posts).
                try await PayoutFixture.settle(runID, simulator, batchSize: 10, database)
                try await PayoutFixture.checkLedger(simulator, reconciles: false, database)
                let states = try await PayoutFixture.byState(database)
                #expect(states["submitted"] == nil && states["accepted"] == nil && states["pending"] == nil, "\(states)")
                let refused = try await PayoutFixture.count("SELECT count(*) FROM transfer_batches WHERE last_error LIKE '%answer was refused%'", database)
                let unreachable = try await PayoutFixture.count("SELECT count(*) FROM transfer_batches WHERE last_error LIKE '%did not answer%' OR last_error LIKE '%HTTP 503%'", database)
                let resent = try await PayoutFixture.count("SELECT count(*) FROM disbursements WHERE attempts > 1", database)
                #expect(refused > 0 && unreachable > 0 && resent > 0, "refused \(refused), unreachable \(unreachable), resent \(resent)")
            }
        }
    }

    @Test("finance re-runs after the gateway recovers: only failed transfers are resent, with their EndToEndIds, none paid twice; a scope with nothing failed sends nothing")
    func financeRerun() async throws {
        // AM04 on every arrival until the faults are switched off: retries run out, transfers wait for finance.
        let faults = try PayoutFixture.faultFile(#"{"temporary_rejections": {"AM04": 0.3}, "temporary_arrivals": 1000}"#)
        defer { try? FileManager.default.removeItem(atPath: faults) }
        try await TestPostgres.withDatabase { database in
            let runID = try await PayoutFixture.approvedMonth(count: 600, database)
            try await BankSimulatorProcess.with(["--faults", faults, "--no-dedup"]) { simulator in
                try await PayoutFixture.settle(runID, simulator, database)
                let scope = FinanceScope(district: "31825", period: PayoutFixture.period)
                let preview = try await scope.preview(database: database)
                #expect(preview.count > 0 && preview.groups.allSatisfy { $0.reason == "AM04" }, "\(preview)")
                let exhausted = try await PayoutFixture.count("SELECT count(*) FROM disbursements WHERE state = 'failed' AND attempts = \(DisbursementStateMachine.maximumAttempts) AND retry_at IS NULL", database)
                #expect(exhausted == preview.count)
                let paidBefore = try await PayoutFixture.disbursements(database).filter { $0.state == "paid" }.map(\.endToEndID)

                try await simulator.setFaults("none")
                let outcome = try await FinanceRerun.retry(scope, by: .test("Trần Thị Kế Toán", role: .finance), expecting: preview.count, database: database)
                #expect(outcome.moved == preview.count)
                try await PayoutFixture.settle(runID, simulator, database)
                #expect(try await scope.preview(database: database).count == 0)
                let after = try await PayoutFixture.disbursements(database)
                #expect(after.filter { $0.state == "failed" }.isEmpty)
                let retried = try await PayoutFixture.count("SELECT count(*) FROM disbursements WHERE retried_by = 'Trần Thị Kế Toán' AND state = 'paid'", database)
                #expect(retried == preview.count)
                // Nothing failed any more: a re-run sends nothing.
                let again = try await FinanceRerun.retry(scope, by: .test("Trần Thị Kế Toán", role: .finance), database: database)
                #expect(again.moved == 0 && again.batches.isEmpty && again.preview.count == 0)
                try await PayoutFixture.checkLedger(simulator, reconciles: false, database)
                #expect(Set(paidBefore).isSubset(of: Set(after.filter { $0.state == "paid" }.map(\.endToEndID))))
            }
        }
    }
}
