import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// `chitra retry` and `chitra cash fallback` as finance uses them: what is in scope is
/// shown first, nothing moves without a yes, only failed transfers move, the person is recorded.
@Suite("Finance commands", .machine(limit: .minutes(4)))
struct FinanceCommandTests {
    @Test("retry shows the failed transfers by reason and asks; --yes resends them with their EndToEndIds; cash fallback sends the rest to cash; nothing failed says so")
    func retryAndFallback() async throws {
        let faults = try PayoutFixture.faultFile(#"{"temporary_rejections": {"AM04": 0.2}, "rejections": {"AC04": 0.05}, "temporary_arrivals": 1000}"#)
        defer { try? FileManager.default.removeItem(atPath: faults) }
        try await TestPostgres.withNewDatabase { url in
            try await TestPostgres.withRunning(url) { database in
                let runID = try await PayoutFixture.approvedMonth(count: 400, database)
                try await BankSimulatorProcess.with(["--faults", faults]) { simulator in
                    try await PayoutFixture.settle(runID, simulator, database)
                    let failed = try await PayoutFixture.count("SELECT count(*) FROM disbursements WHERE state = 'failed'", database)
                    #expect(failed > 0)
                    let ids = try await PayoutFixture.disbursements(database).filter { $0.state == "failed" }.map(\.endToEndID).sorted()
                    let base = ["--district", "31825", "--period", "2026-06"]
                    let finance = TestPerson("Trần Thị Kế Toán", .finance, districts: ["31825"])

                    // No answer on standard input: nothing is sent.
                    var result = try await CommandLineTests.run(["retry"] + base + ["--rail", "bank"], url: url, as: finance)
                    #expect(result.status == 0 && result.output.contains("AM04") && result.output.contains("Nothing was done"), "\(result.output)")
                    #expect(try await PayoutFixture.count("SELECT count(*) FROM disbursements WHERE state = 'failed'", database) == failed)

                    // Bad scope: one sentence.
                    result = try await CommandLineTests.run(["retry"] + base + ["--rail", "cash"], url: url, as: finance)
                    #expect(result.status != 0 && result.output.contains("The rail must be bank or wallet."), "\(result.output)")

                    try await simulator.setFaults("none")
                    result = try await CommandLineTests.run(["retry"] + base + ["--rail", "bank", "--yes"], url: url, as: finance)
                    #expect(result.status == 0 && result.output.contains("Queued"), "\(result.output)")
                    try await PayoutFixture.settle(runID, simulator, database)
                    let after = try await PayoutFixture.disbursements(database)
                    let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.endToEndID, $0) })
                    #expect(ids.allSatisfy { byID[$0] != nil }, "same EndToEndIds")
                    #expect(after.filter { $0.state == "failed" && $0.rail == "bank" }.isEmpty)
                    let walletFailed = after.filter { $0.state == "failed" && $0.rail == "wallet" }.count
                    #expect(walletFailed > 0)

                    result = try await CommandLineTests.run(["cash", "fallback"] + base + ["--yes"], url: url, as: finance)
                    #expect(result.status == 0 && result.output.contains("Put \(walletFailed) payment"), "\(result.output)")
                    let fallenBy = try await PayoutFixture.count(
                        "SELECT count(*) FROM disbursements WHERE fallback_by = 'Trần Thị Kế Toán' AND state = 'cash_instructed'", database)
                    #expect(fallenBy == walletFailed)

                    result = try await CommandLineTests.run(["retry"] + base + ["--yes"], url: url, as: finance)
                    #expect(result.status == 0 && result.output.contains("Nothing to do: no failed transfers"), "\(result.output)")
                    try await PayoutFixture.checkLedger(simulator, reconciles: false, database)
                }
            }
        }
    }
}
