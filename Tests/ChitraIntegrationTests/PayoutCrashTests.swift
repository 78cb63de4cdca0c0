import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// Paying out with real processes: PostgreSQL, `chitra-banksim --faults realistic --no-dedup` and
/// two `chitra-worker`s, left alone, or SIGKILLed while they submit, once right between a POST and
/// the write of its answer.
@Suite("Paying out under crashes", .serialized, .machine(.alone, limit: .minutes(10)))
struct PayoutCrashTests {
    @Test("2 worker processes, realistic faults, a careless bank: all terminal after the cash, each credited at most once, never also in cash, Σ reconciles, every file valid")
    func realProcesses() async throws {
        try await payOut(killing: false)
    }

    @Test("2 workers SIGKILLed during submission, one between a POST and its answer: all terminal after the cash, each credited at most once, never also in cash, Σ reconciles, every file valid")
    func killedDuringSubmission() async throws {
        try await payOut(killing: true)
    }

    /// A district month of 3,000 paid by two worker processes; with `killing`, one dies after its
    /// first POST and then a worker is killed every 700 ms (and restarted) while batches are out.
    func payOut(killing: Bool) async throws {
        try await TestPostgres.withNewDatabase { url in
            let archive = NSTemporaryDirectory() + "chitra-archive-\(UUID().uuidString.prefix(8))"
            defer { try? FileManager.default.removeItem(atPath: archive) }
            try await TestPostgres.withRunning(url) { database in
                let runID = try await PayoutFixture.approvedMonth(count: 3_000, database)
                try await BankSimulatorProcess.with(["--faults", "realistic", "--no-dedup", "--seed", "3", "--archive", archive]) { simulator in
                    let rails = ["--bank-url", simulator.bankURL, "--wallet-url", simulator.walletURL, "--rail-timeout-ms", "800",
                                 "--inquiry-ms", "200", "--transfer-retry-base-ms", "50", "--batch-size", "40", "--concurrency", "4"]
                    var kills = 0
                    var workers: [ChildProcess] = []
                    if killing {
                        // One worker dies right after its first POST is answered, before the answer is written.
                        let posting = try WorkerProcesses.spawn(url: url, arguments: rails + ["--die-after-posting", "1"])
                        workers.append(try WorkerProcesses.spawn(url: url, arguments: rails))
                        #expect(await posting.waitForExit() != 0, "killed itself after its first POST")
                        kills = 1
                    } else {
                        workers.append(try WorkerProcesses.spawn(url: url, arguments: rails))
                    }
                    workers.append(try WorkerProcesses.spawn(url: url, arguments: rails))
                    // Then (killing) kill a worker every 700 ms while batches are out, restarting it.
                    var random = SystemRandomNumberGenerator()
                    let clock = ContinuousClock()
                    let deadline = clock.now + .seconds(150)
                    while clock.now < deadline, try await !PayoutFixture.railsSettled(runID, database) {
                        try await Task.sleep(for: .milliseconds(700))
                        if killing, kills < 12 {
                            let index = Int.random(in: 0..<workers.count, using: &random)
                            workers[index].signal(SIGKILL)
                            await workers[index].waitForExit()
                            workers[index] = try WorkerProcesses.spawn(url: url, arguments: rails)
                            kills += 1
                        }
                    }
                    let settled = try await PayoutFixture.railsSettled(runID, database)
                    let seen = try await PayoutFixture.seen(database)
                    #expect(settled, "\(seen)")
                    _ = try await FinanceRerun.fallBack(FinanceScope(district: "31825", period: PayoutFixture.period), by: .test("finance", role: .finance), database: database)
                    let (file, _, _) = try await PostOffice.confirmations(district: "31825", period: PayoutFixture.period, paidOn: "2026-06-10",
                                                                         notFound: { $0.hasSuffix("3") }, database: database)
                    defer { try? FileManager.default.removeItem(atPath: file) }
                    _ = try await CashConfirmation.confirm(path: file, by: .test("post office", role: .finance), database: database)
                    try await eventually("the run is paid out") {
                        try await RunRails.run(runID, database: database)?.state == .paidOut
                    }
                    for worker in workers { worker.signal(SIGTERM) }
                    for worker in workers { await worker.waitForExit() }
                    if killing { #expect(kills >= 5, "\(kills) kills") }
                    try await PayoutFixture.checkLedger(simulator, database)
                }
                let files = try FileManager.default.subpathsOfDirectory(atPath: archive).filter { $0.hasSuffix(".xml") }.map { archive + "/" + $0 }
                let verdict = try await ISO20022Validator.validate(files: files)
                #expect(verdict.valid, "\(verdict.output.split(separator: "\n").filter { !$0.hasPrefix("OK") }.prefix(5))")
            }
        }
    }
}
