import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// The month's report to the province: figures of a run with known inputs, frozen once
/// the run completes.
@Suite("Monthly report", .machine(limit: .minutes(3)))
struct MonthlyReportTests {
    static let period = Period("2024-09")!

    @Test("a completed cash month: the report's figures are the hand-computed ones, and a later import leaves them")
    func knownRun() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("R1", [.eligibleFrom: "2024-09"])
            file.add("R2", [.eligibleFrom: "2024-09", .paymentMethod: "cash_home"])
            file.add("R3", [.eligibleFrom: "2024-09", .cccd: "", .phone: ""])
            file.add("R4", [.eligibleFrom: "2024-09", .cccd: "", .recipient: "authorized", .recipientName: "Trần Thị Bốn",
                            .recipientCCCD: "095987654321"])
            try await RunFixture.importRegister(file, database)
            _ = try await RunFixture.trigger("2024-09", autoApprove: true, database)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy)) { _ in
                try await eventually("cash listed", saw: { "\(try await CashRailTests.states(database)); \(try await QueueSnapshot.describe(database))" }) {
                    try await CashRailTests.states(database) == ["R1": "cash_instructed", "R2": "cash_instructed", "R3": "cash_instructed",
                                                                 "R4": "cash_instructed"]
                }
            }
            let before = try await MonthlyReports.make(period: Self.period, districts: ["954"], today: Day("2024-09-25")!, database: database)
            #expect(before.notCompleted == ["954"] && before.daysToDeadline == 5 && !before.districts[0].frozen)
            #expect(before.districts[0].inFlight == CountAmount(count: 4, amountVND: 2_000_000))

            let confirmations = try CashRailTests.confirmation([
                "CT954202409NR1,R1,500000,paid,2024-10-03,",
                "CT954202409NR2,R2,500000,paid,2024-10-03,",
                "CT954202409NR3,R3,500000,not_found,,",
                "CT954202409NR4,R4,500000,paid,2024-10-04,Trần Thị Bốn",
            ])
            let confirmed = try await CashConfirmation.confirm(path: confirmations, by: .test("post office", role: .finance), database: database)
            #expect(confirmed.completedRuns.count == 1)

            let report = try await MonthlyReports.make(period: Self.period, districts: ["954"], today: Day("2024-10-02")!, database: database)
            var expected = DistrictReport(district: "954", districtName: "TP Bạc Liêu", period: Self.period)
            expected.runState = .completed
            expected.frozen = true
            expected.beneficiaries = 4
            expected.entitledVND = 2_000_000
            expected.byProgram = ["btxh": CountAmount(count: 4, amountVND: 2_000_000)]
            expected.paid.cash = CountAmount(count: 2, amountVND: 1_000_000)
            expected.paid.cashHome = CountAmount(count: 1, amountVND: 500_000)
            expected.returned = CountAmount(count: 1, amountVND: 500_000)
            expected.accounts.active = 4
            expected.accounts.withCCCD = 2
            expected.accounts.withPhone = 3
            expected.accounts.canOpen = 2
            expected.accounts.missingDocuments = 2
            expected.accounts.authorisedRecipients = 1
            expected.accounts.recipientsMissingDocuments = 1
            #expect(report.districts == [expected])
            #expect(report.districts[0].reconciles && report.districts[0].nonCashShare == 0)
            #expect(report.notCompleted.isEmpty && report.daysToDeadline == -2)
            #expect(report.total.beneficiaries == 4 && report.total.paid == expected.paid && report.total.frozen)
            let json = String(decoding: try JSONEncoder().encode(report.districts[0]), as: UTF8.self)
            for field in [#""unit":"954""#, #""unit_level":"district""#, #""period":"2024-09""#, #""entitled_vnd":2000000"#, #""cash_home":{"#, #""in_flight":{"#,
                          #""non_cash_share":0"#, #""failures_by_reason":{}"#, #""with_cccd":2"#, #""can_open":2"#, #""missing_documents":2"#] {
                #expect(json.contains(field), "\(field) in \(json)")
            }

            // A later import changes the register (a fifth person, R1's phone gone); the month's report does not.
            var later = RegisterFileBuilder(district: "954")
            later.add("R1", [.eligibleFrom: "2024-09", .phone: ""])
            later.add("R5", [.eligibleFrom: "2024-09"])
            try await RunFixture.importRegister(later, database)
            let after = try await MonthlyReports.make(period: Self.period, districts: ["954"], today: Day("2024-10-02")!, database: database)
            #expect(after.districts == report.districts)
            // The next month, not completed, counts the register as it is now.
            let next = try await MonthlyReports.make(period: Self.period.next, districts: ["954"], today: Day("2024-10-02")!, database: database)
            #expect(next.districts[0].accounts.active == 5 && next.districts[0].accounts.withPhone == 3 && !next.districts[0].frozen)
            #expect(next.districts[0].previous == .init(beneficiaries: 4, entitledVND: 2_000_000, paid: CountAmount(count: 3, amountVND: 1_500_000)))
            // Nobody, the owner included, rewrites a frozen report.
            await #expect(throws: (any Error).self) {
                try await TestPostgres.withOwner(of: database) { owner in
                    try await owner.query("UPDATE runs SET report = '{}'::jsonb", "rewrite a frozen report")
                }
            }
        }
    }

    @Test("an unknown district is refused by name")
    func unknownDistrict() async throws {
        try await TestPostgres.withDatabase { database in
            await #expect(throws: DistrictSettings.Failure.self) {
                _ = try await MonthlyReports.make(period: Self.period, districts: ["999"], database: database)
            }
        }
    }
}
