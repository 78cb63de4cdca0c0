import ChitraCore
import ChitraLocal
import ChitraRails
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// A month paid through a bank that does not deduplicate, with realistic faults and returns, then
/// closed against the paying account's statements (issue 28): every debit settles its transfer,
/// every return brings it back owed, every second debit the bank made is a duplicate break, recalled
/// and given back (or given back by its own return, when the bank returned both credits), and the
/// money adds up to the đồng against the ledger of credits. Wallet transfers leave the same
/// account (the provider collects them from it) and settle on its statements like bank transfers.
@Suite("Statements reconciled against a month paid", .machine(limit: .minutes(4)))
struct StatementReconciliationTests {
    static let faults = """
        {"rejections": {"AC01": 0.04, "AC04": 0.03}, "temporary_rejections": {"AM04": 0.02}, "pending": 0.03, "server_errors": 0.05,
         "timeouts": 0.02, "lost_responses": 0.05, "returns": {"AC04": 0.06, "MD07": 0.03}, "return_days": 2, "charge_vnd": 1100}
        """

    @Test("debits settle, returns come back owed, the bank's second debits are recalled and given back; statements out of order and twice change nothing more; the sums add up")
    func monthClosedOnStatements() async throws {
        let faults = try PayoutFixture.faultFile(Self.faults)
        defer { try? FileManager.default.removeItem(atPath: faults) }
        try await TestPostgres.withDatabase { database in
            let firstDay = VietnamTime.today()
            let runID = try await PayoutFixture.approvedMonth(count: 600, database)
            try await BankSimulatorProcess.with(["--faults", faults, "--no-dedup", "--seed", "13"]) { simulator in
                try await PayoutFixture.settle(runID, simulator, database)
                try await PayoutFixture.checkLedger(simulator, reconciles: false, database)
                // The post office answers for the cash: every disbursement has its outcome, and the
                // run is paid out; only the statements close its month.
                let (confirmations, _, _) = try await PostOffice.confirmations(district: "31825", period: PayoutFixture.period, paidOn: "2026-06-10",
                                                                               notFound: { _ in false }, database: database)
                defer { try? FileManager.default.removeItem(atPath: confirmations) }
                let confirmed = try await CashConfirmation.confirm(path: confirmations, by: .test("Bưu điện", role: .finance), database: database)
                #expect(confirmed.paidOutRuns == [runID] && confirmed.completedRuns.isEmpty, "\(confirmed)")

                // The bank processes one payment file twice: three transfers credited (and debited)
                // again. Sent by the test itself, past the gateway's faults (a 503 or a rejection
                // would leave it unsent, or send it in part), its returns and charges kept.
                try await simulator.setFaults(#"{"returns": {"AC04": 0.06, "MD07": 0.03}, "return_days": 2, "charge_vnd": 1100}"#)
                let ledger = try await simulator.ledger()
                // Two the bank will not return, and one it will, in the days after: credited twice,
                // that one comes back twice, and ends returned whatever order the statements are
                // taken in. The returns to come are read from the days ahead's notifications, the
                // calendar put back.
                try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 4}"#)
                var returning = Set<String>()
                for offset in 0...4 {
                    guard let bytes = try await simulator.notification(account: "1234567890", day: Day(daysSince2000: firstDay.daysSince2000 + offset))
                    else { continue }
                    returning.formUnion(try StatementFile.read(bytes).statements.flatMap(\.entries).filter { $0.code == .transferReturned }.compactMap(\.endToEndID))
                }
                try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 0}"#)
                let bank = ledger.filter { $0.rail == "bank" }
                let picked = bank.filter { !returning.contains($0.endToEndID) }.prefix(2) + bank.filter { returning.contains($0.endToEndID) }.prefix(1)
                #expect(picked.count == 3, "the plan returns some transfers, seen ahead")
                let givenBackByReturn = picked.filter { returning.contains($0.endToEndID) }.reduce(Int64(0)) { $0 + $1.amountVND }
                let again = picked.map {
                    TransferInstruction(endToEndID: $0.endToEndID, beneficiaryID: "X", amount: Money(dong: $0.amountVND), institution: $0.institution,
                                        account: $0.account, creditorName: "Người nhận")
                }
                let writer = Pain001Writer(messageID: "AGAIN1", paymentInformationID: "AGAIN1P1", createdAt: "2026-06-20T09:30:00",
                                           executionDate: "2026-06-21", debtor: DebtorAccount(name: "UBND Phường Bạc Liêu", account: "1234567890", bank: "970405"))
                try await simulator.exchange(.POST, "/bank/pain001", body: try writer.document(Array(again)))
                let twice = Set(BankSimulatorProcess.creditedTwice(try await simulator.ledger()))
                #expect(again.count == 3 && twice == Set(again.map(\.endToEndID)))

                // The days' statements from the payout's first (two days, if it ran past midnight in
                // Vietnam) through the returns', taken in last day first, then all again.
                try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 3}"#)
                let today = VietnamTime.today()
                @Sendable func day(_ offset: Int) -> Day { Day(daysSince2000: today.daysSince2000 + offset) }
                let files = try await simulator.statements(account: "1234567890", from: firstDay, through: day(2)).map(\.file)
                #expect(files.count >= 3)
                var entries: [BankStatement.Entry] = []
                for (index, bytes) in files.enumerated().reversed() {
                    let (format, statements) = try StatementFile.read(bytes)
                    entries += statements.flatMap(\.entries)
                    let outcome = try await StatementImport.take(statements, format: format, sha256: RegisterFile.sha256(of: bytes),
                                                                 fileName: "day\(index).xml", by: .test("Kế toán", role: .finance), database: database)
                    #expect(outcome.breaks.keys.allSatisfy { $0 == "duplicate" } && outcome.completedRuns.isEmpty, "\(outcome)")
                }
                for bytes in files {
                    let (format, statements) = try StatementFile.read(bytes)
                    let outcome = try await StatementImport.take(statements, format: format, sha256: RegisterFile.sha256(of: bytes),
                                                                 fileName: "again.xml", by: .test("Kế toán", role: .finance), database: database)
                    #expect(outcome.entries == 0 && outcome.breaksOpened == 0 && outcome.gaps.isEmpty, "\(outcome)")
                }

                let raised = try await StatementBreaks.list(database: database)
                // The one returned twice: its second debit was given back by its return, nothing to recall.
                #expect(raised.allSatisfy { $0.kind == .duplicate && $0.state == .recalling }
                        && Set(raised.compactMap(\.endToEndID)) == twice.subtracting(returning), "\(raised.map(\.detail))")

                // A worker recalls each second debit; the bank gives them back on the next day's
                // statement, which a fetch job takes in: the duplicates close.
                let givenBack = try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy, rails: PayoutFixture.rails(simulator)),
                                                   configure: { $0.concurrency = 2 }) { _ in
                    try await eventually(timeout: .seconds(120), "the bank answers the recalls", saw: { "\(try await StatementBreaks.list(database: database))" }) {
                        try await StatementBreaks.list(database: database).allSatisfy { $0.recall == "accepted" }
                    }
                    // The money comes back on the simulator's day of the recall (day 3, or 4 past midnight).
                    try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 5}"#)
                    for fetched in [day(3), day(4)] {
                        let asked = try await StatementJobs.requestFetch(unit: "31825", day: fetched, daily: false, today: day(5),
                                                                         by: .test("Kế toán", role: .finance), database: database)
                        #expect(asked.inserted)
                    }
                    try await eventually(timeout: .seconds(120), "the days' statements close the duplicates",
                                         saw: { "\(try await StatementBreaks.list(includeClosed: true, database: database))" }) {
                        try await StatementBreaks.list(database: database).isEmpty
                    }
                    try await eventually(timeout: .seconds(120), "both days' statements are in") {
                        try await StatementRecords.list(unit: "31825", database: database).contains { $0.day == day(4).description }
                    }
                    let fetched = try await StatementRecords.list(unit: "31825", database: database).filter { $0.day >= day(3).description }
                    #expect(fetched.count == 2 && fetched.reduce(0) { $0 + $1.outcomes["recalled", default: 0] } == 2, "\(fetched)")
                    return try await simulator.statements(account: "1234567890", from: day(3), through: day(4))
                        .flatMap { try StatementFile.read($0.file).statements.flatMap(\.entries) }
                }
                entries += givenBack

                let breaks = try await StatementBreaks.list(includeClosed: true, database: database)
                #expect(breaks.count == 3 && breaks.allSatisfy { $0.state == .closed && $0.handledBy == StatementImport.statementsName }, "\(breaks)")
                let disbursements = try await PayoutFixture.disbursements(database)
                let returns = entries.filter { $0.code == .transferReturned }
                let returned = Set(disbursements.filter { $0.state == "returned" }.map(\.endToEndID))
                #expect(!returns.isEmpty && Set(returns.compactMap(\.endToEndID)) == returned, "every return is owed again")
                #expect(disbursements.contains { $0.rail == "wallet" && $0.state == "settled" }, "wallet transfers settle on the statements too")
                #expect(disbursements.filter { $0.state == "paid" }.isEmpty, "every transfer paid (bank or wallet) is settled or returned")
                // Σ debits − Σ returns − Σ recalled = Σ settled, to the đồng; and what the bank
                // credited once is what settled or came back.
                func sum(_ entries: [BankStatement.Entry]) -> Int64 { entries.reduce(0) { $0 + $1.amountVND } }
                let debits = sum(entries.filter { $0.direction == .debit && $0.code == .transferSent })
                let recalled = sum(entries.filter { $0.code == .recallCredited })
                let settled = disbursements.filter { $0.state == "settled" }.reduce(Int64(0)) { $0 + $1.amount }
                #expect(recalled + givenBackByReturn == breaks.reduce(0) { $0 + ($1.actualVND ?? 0) } && recalled > 0 && givenBackByReturn > 0)
                #expect(settled > 0 && debits - sum(returns) - recalled == settled)
                let credited = ledger.reduce(Int64(0)) { $0 + $1.amountVND }
                #expect(settled + disbursements.filter { returned.contains($0.endToEndID) }.reduce(0) { $0 + $1.amount } == credited)

                // The month's reconciliation, as finance reads it.
                let month = try await MonthReconciliation.of(unit: "31825", period: PayoutFixture.period, database: database)
                #expect(month.paidByChitra == CountAmount(count: ledger.count, amountVND: credited))
                #expect(month.debited.amountVND == debits - recalled - givenBackByReturn && month.settled.amountVND == settled && month.notYetDebited == .zero)
                #expect(month.returnsByReason.values.reduce(0) { $0 + $1.amountVND } == sum(returns) - givenBackByReturn && month.balances, "\(month)")
                #expect(month.duplicates == CountAmount(count: 3, amountVND: recalled + givenBackByReturn) && month.recovered == month.duplicates)
                #expect(month.breaksOpen.isEmpty && month.breaksClosed == 3)
                #expect(month.lastStatementDay == day(4).description && month.closingVND != nil)
                // The last duplicate given back closed the month.
                #expect(try await RunRails.run(runID, database: database)?.state == .completed)
                #expect(try await RunClosing.obstacles(unit: "31825", period: PayoutFixture.period, database: database) == nil)
            }
        }
    }
}
