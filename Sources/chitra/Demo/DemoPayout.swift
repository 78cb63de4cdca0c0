import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation

/// The demo's month, step by step, with worker processes and the bank simulator: computed,
/// approved by finance (not by the operator who triggered it), paid, failed transfers to cash,
/// the post office's confirmations, every run paid out, the bank's statements taken in and every
/// month closed on them, and the province's report.
final class DemoPayout: Sendable {
    let database: Database
    let url: DatabaseURL
    let people: ProvincePeople
    let period: Period
    let districts: [String]
    let simulator: BankSimulatorProcess
    let folder: String
    let processes: [ChildProcess]
    /// Print the report's reconciliation only, not its table (the reform's months before the demo's).
    let compact: Bool

    init(database: Database, url: DatabaseURL, people: ProvincePeople, period: Period, districts: [String],
         simulator: BankSimulatorProcess, workers: Int, folder: String, logLevel: String, compact: Bool = false) throws {
        self.compact = compact
        self.database = database
        self.url = url
        self.people = people
        self.period = period
        self.districts = districts
        self.simulator = simulator
        self.folder = folder
        let arguments = ["--bank-url", simulator.bankURL, "--wallet-url", simulator.walletURL, "--rail-timeout-ms", "2000",
                         "--inquiry-ms", "300", "--transfer-retry-base-ms", "200", "--batch-size", "2000"]
        processes = try (1...workers).map { index in
            try ChitraProgram.worker.start(arguments,
                                           environment: ["DATABASE_URL": url.connectionString, "CHITRA_LOG_LEVEL": logLevel]
                                               .merging(people.workerEnvironment) { $1 },
                                           logPath: "\(folder)/worker-\(index).log", endsWithParent: true)
        }
        print("• \(workers) `chitra worker` processes (pids \(processes.map { String($0.pid) }.joined(separator: ", ")); logs in \(folder)/worker-N.log)")
    }

    var month: ProvinceMonth { ProvinceMonth(database: database, people: people, period: period, districts: districts) }

    func stopWorkers(now: Bool = false) async {
        for process in processes { process.signal(now ? SIGKILL : SIGTERM) }
        for process in processes { await process.waitForExit() }
    }

    func run() async throws -> ProvinceReport {
        try await compute()
        try await approve()
        let firstDay = VietnamTime.today()
        try await pay()
        try await cash()
        // The reform's months (2025) are paid by units abolished since: no statement of today is
        // theirs to close them on. The demo's own month closes on its statements.
        if !compact { try await statements(from: firstDay) }
        let report = try await MonthlyReports.make(period: period, database: database)
        try await show(report)
        return report
    }

    private func compute() async throws {
        let outcomes = try await RunCoordinator(database: database)
            .trigger(period: period, districts: districts, by: people.operatorIdentity, autoApprove: false)
        print("• \(people.operatorIdentity.name) triggered \(period) in \(outcomes.count) \(districts.first?.count == 3 ? "districts" : "communes")")
        let progress = ProgressLine()
        try await waitFor {
            let runs = try await RunStatus.list(period: self.period, districts: nil, database: self.database)
            if let failed = runs.first(where: { $0.state == .failed }) {
                throw DemoFailure(text: "The run of \(PayoutUnitCode.named(failed.district)) failed: \(failed.lastError ?? "no reason recorded").")
            }
            let members = runs.map { $0.members ?? 0 }.reduce(0, +), done = runs.map(\.membersDone).reduce(0, +)
            let computed = runs.filter { $0.state == .computed }.count
            progress.show("• computing: \(ProgressLine.bar(done, of: max(members, 1))) \(VietnameseNumber.grouped(done)) beneficiaries, \(computed) of \(runs.count) runs computed")
            return computed == runs.count
        }
        progress.finish()
    }

    private func approve() async throws {
        // Maker–checker: the operator who triggered it may not approve it.
        if let refusal = AccessError(Access.decide(people.operatorIdentity, .approveRun, districts: districts)) {
            print("• \(people.operatorIdentity.name) asks to approve: refused (\(refusal.description))")
        }
        let (count, total) = try await month.approveAll()
        print("• \(people.finance.name) approved \(districts.count) runs: \(VietnameseNumber.grouped(count)) disbursements, \(Money(dong: total))")
    }

    private func pay() async throws {
        let runIDs = try await RunStatus.list(period: period, districts: nil, database: database).map(\.runID)
        let transfers = try await PayoutStatistics.transfers(database)
        let progress = ProgressLine()
        try await waitFor {
            var moving = 0
            for id in runIDs {
                let motion = try await RunRails.motion(runID: id, database: self.database)
                moving += motion.approved + motion.inFlight + motion.retrying
            }
            let states = try await PayoutStatistics.read(self.database).byState
            progress.show("• paying by bank and e-wallet: \(ProgressLine.bar(max(0, transfers - moving), of: max(transfers, 1))) paid \(VietnameseNumber.grouped(states["paid"] ?? 0)), failed \(VietnameseNumber.grouped(states["failed"] ?? 0)), stopped \(VietnameseNumber.grouped(states["stopped"] ?? 0)), cash on the post office's list \(VietnameseNumber.grouped(states["cash_instructed"] ?? 0))")
            return moving == 0
        }
        progress.finish()
        let fallen = try await month.fallBackAll()
        let statistics = try await PayoutStatistics.read(database)
        print("• the rails settled: \(VietnameseNumber.grouped(statistics.byState["paid"] ?? 0)) paid by bank or e-wallet; "
            + "\(VietnameseNumber.grouped(statistics.fallbacks - fallen)) permanent rejections fell back to cash at once; "
            + "\(people.finance.name) sent the \(VietnameseNumber.grouped(fallen)) still failed after their retries to cash")
    }

    private func cash() async throws {
        // The post office finds almost everyone; a few are not found (returned: owed again next month).
        let (paid, notFound) = try await month.confirmCash(folder: folder, paidOn: "\(period)-12") { $0.hasSuffix("7") && $0.dropLast().hasSuffix("3") }
        print("• the post office's confirmations recorded: \(VietnameseNumber.grouped(paid)) paid in cash (at home for the sick and the very old), \(VietnameseNumber.grouped(notFound)) not found")
        try await waitFor {
            try await RunStatus.list(period: self.period, districts: nil, database: self.database).allSatisfy { $0.state == .paidOut || $0.state == .completed }
        }
        print("• every run paid out: each disbursement has its outcome" + (compact ? "" : "; the months close on the bank's statements"))
    }

    private func statements(from firstDay: Day) async throws {
        let taken = try await month.takeStatements(from: firstDay, simulator: simulator)
        print("• \(people.finance.name) fetched the paying accounts' statements (camt.053) through the workers: \(taken.statements) statements, "
            + "\(VietnameseNumber.grouped(taken.entries)) entries, \(VietnameseNumber.grouped(taken.settled)) transfers settled, \(taken.breaks) breaks"
            + (taken.daysWithoutStatement == 0 ? "" : "; \(taken.daysWithoutStatement) unit-days without a statement (nothing on the account yet)"))
        let open = try await month.openMonths()
        guard open.isEmpty else { throw DemoFailure(text: open.joined(separator: " ")) }
        print("• every run completed: each month closed on the statements, its report frozen")
    }

    private func show(_ report: ProvinceReport) async throws {
        var table = TextTable("UNIT", "PEOPLE", "OWED", "BANK", "E-WALLET", "CASH", "CASH AT HOME", "NON-CASH", "RETURNED", "STOPPED", "FALLBACKS")
        for d in report.districts {
            table.add("\(d.district) \(d.districtName)", VietnameseNumber.grouped(d.beneficiaries), Money(dong: d.entitledVND).description,
                      VietnameseNumber.grouped(d.paid.bank.count), VietnameseNumber.grouped(d.paid.wallet.count),
                      VietnameseNumber.grouped(d.paid.cash.count), VietnameseNumber.grouped(d.paid.cashHome.count),
                      VietnameseNumber.percent(d.nonCashShare), VietnameseNumber.grouped(d.returned.count),
                      VietnameseNumber.grouped(d.stopped.count), VietnameseNumber.grouped(d.fallbacks))
        }
        if !compact {
            print("• the report to the province for \(period):")
            print(table.rendered)
            for line in ReportTable.section(report.total) { print(line) }
        }
        let settled = report.total.paid.total + report.total.returned + report.total.stopped
        let reconciles = report.districts.allSatisfy(\.reconciles) && report.total.inFlight.count == 0 && report.total.awaitingApproval.count == 0
        print("• reconciliation: approved \(Money(dong: report.total.entitledVND)) = paid \(Money(dong: report.total.paid.total.amountVND)) + returned \(Money(dong: report.total.returned.amountVND)) + stopped \(Money(dong: report.total.stopped.amountVND)): \(reconciles && settled.amountVND == report.total.entitledVND ? "reconciles" : "DOES NOT RECONCILE")")
        let ledger = try await simulator.ledger()
        let twice = BankSimulatorProcess.creditedTwice(ledger).count
        print("• the bank's ledger: \(VietnameseNumber.grouped(ledger.count)) credits, \(twice) transfers credited more than once (the bank does not deduplicate; Chitra does)")
        guard reconciles, twice == 0 else { throw DemoFailure(text: "The month does not reconcile; see the report above.") }
    }

    private func waitFor(_ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw DemoFailure(text: "The demo waited 10 minutes without the month moving on; see \(folder)/worker-N.log.") }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
