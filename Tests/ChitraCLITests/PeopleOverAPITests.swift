import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// People's commands hold a token and Chitra's address, never the database's: a month end to end
/// from the command line, over the API, with a DATABASE_URL in the environment that leads nowhere
/// (were a command to read it, it would fail).
@Suite("People's commands over the API", .machine(limit: .minutes(4)))
struct PeopleOverAPITests {
    /// A database address no command may use: nothing listens there and its password file is absent.
    static let nowhere = ["DATABASE_URL": "postgres://chitra_app:wrong@127.0.0.1:9/nowhere", "PGPASSFILE": "/nonexistent/pgpass"]

    @Test("import → run → approve → pay → cash → report from the command line, the database's address unreadable to every command")
    func monthEndToEnd() async throws {
        try await TestPostgres.withNewDatabase { url in
            let register = try await RegisterFileBuilder.synthetic(district: "31825", count: 300)
            defer { try? FileManager.default.removeItem(atPath: register) }
            let cashList = NSTemporaryDirectory() + "chitra-people-cash-\(UUID().uuidString.prefix(8)).csv"
            defer { try? FileManager.default.removeItem(atPath: cashList) }
            let finance = TestPerson("Trần Thị Kế Toán", .finance, districts: ["31825"])
            @Sendable func chitra(_ arguments: [String], as person: TestPerson = .operatorAn) async throws -> (status: Int32, output: String) {
                try await CommandLineTests.run(arguments, url: url, as: person, environment: Self.nowhere)
            }
            let month = ["--unit", "31825", "--period", "2026-07"]

            var result = try await chitra(["import", register, "--unit", "31825"])
            #expect(result.status == 0 && result.output.hasPrefix("Read 300 records, imported all 300"), "\(result.output)")
            try await TestPostgres.withRunning(url) { database in
                try await DistrictSettings.setPayingAccount(.init(name: "UBND Phường Bạc Liêu", account: "1234567890", bank: "970405"),
                                                            district: "31825", by: .test("admin", role: .admin), database: database)
                try await BankSimulatorProcess.with([]) { simulator in
                    let payoutDay = VietnamTime.today()
                    try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy,
                                                                                                      rails: PayoutFixture.rails(simulator)),
                                                       configure: { $0.concurrency = 4 }) { _ in
                        let computed = try await chitra(["run", "--period", "2026-07", "--unit", "31825", "--wait"])
                        #expect(computed.status == 0 && computed.output.contains("300/300 beneficiaries computed, 1/1 shards, computed"), "\(computed.output)")
                        let refused = try await chitra(["approve"] + month)
                        #expect(refused.status == 5, "an operator may not approve: \(refused.output)")
                        let approved = try await chitra(["approve"] + month, as: finance)
                        #expect(approved.status == 0 && approved.output.hasPrefix("Approved the run of district 31825 for 2026-07 by Trần Thị Kế Toán"),
                                "\(approved.output)")
                        let runID = try #require(try await RunStatus.list(period: Period("2026-07"), districts: ["31825"], database: database).first).runID
                        try await eventually(timeout: .seconds(120), "the rails settle") { try await PayoutFixture.railsSettled(runID, database) }
                    }
                    try await PayoutFixture.checkLedger(simulator, reconciles: false, database)
                    // Finance takes in the paying account's statements of the payout's days (two, if it ran
                    // past midnight in Vietnam): the transfers paid are debited on them.
                    try await simulator.exchange(.PUT, "/calendar", body: #"{"days_ahead": 1}"#)
                    let days = try await simulator.statements(account: "1234567890", from: payoutDay, through: VietnamTime.today())
                    let files = try days.map { day in
                        let path = NSTemporaryDirectory() + "chitra-camt053-\(day.day)-\(UUID().uuidString.prefix(8)).xml"
                        try Data(day.file).write(to: URL(fileURLWithPath: path))
                        return path
                    }
                    defer { for file in files { try? FileManager.default.removeItem(atPath: file) } }
                    let statement = try #require(files.first)
                    let paid = try await PayoutFixture.byState(database)["paid", default: 0]
                    var settledSaid = 0
                    for file in files {
                        let taken = try await chitra(["statements", "import", file], as: finance)
                        #expect(taken.status == 0 && taken.output.hasPrefix("Took in 1 statement with ") && taken.output.hasSuffix("no break."), "\(taken.output)")
                        settledSaid += Int(taken.output.firstMatch(of: /(\d+) transfers settled/)?.output.1 ?? "") ?? 0
                    }
                    let settled = try await PayoutFixture.byState(database)["settled", default: 0]
                    #expect(settled > 0 && settledSaid == settled)
                    #expect(try await PayoutFixture.byState(database)["paid", default: 0] == paid - settled)
                    var taken = try await chitra(["statements", "import", statement], as: finance)
                    #expect(taken.output == "This statement was already taken in; nothing changed.", "\(taken.output)")
                    taken = try await chitra(["statements", "import", statement])
                    #expect(taken.status == 5, "an operator may not take statements in: \(taken.output)")
                    taken = try await chitra(["statements", "list", "--unit", "31825"])
                    #expect(taken.status == 0 && taken.output.contains("31825 ****7890 no. 1 of ") && taken.output.contains(" settled"), "\(taken.output)")
                    taken = try await chitra(["statements", "report"] + month)
                    #expect(taken.status == 0 && taken.output.contains("settled (debited, not come back)       \(settled) · ")
                            && taken.output.contains("debited − came back = settled, to the đồng.\n")
                            && taken.output.hasSuffix("is not paid out yet (its run is approved): it closes on the statements once every payment has its outcome."),
                            "\(taken.output)")
                    taken = try await chitra(["statements", "breaks"])
                    #expect(taken.status == 0 && taken.output == "No open breaks.", "\(taken.output)")
                }
            }
            result = try await chitra(["status"] + month)
            #expect(result.status == 0 && result.output.contains("Settlement (disbursements by state):") && result.output.contains("settled "),
                    "\(result.output)")
            result = try await chitra(["cash", "list"] + month + ["--out", cashList])
            #expect(result.status == 0 && result.output.hasPrefix("Wrote "), "\(result.output)")
            let cash = try String(contentsOfFile: cashList, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
            #expect(!cash.isEmpty)
            result = try await chitra(["export", "disbursements"] + month)
            #expect(result.status == 0 && result.output.split(separator: "\n").count == 1 + 300 - 2, "a row for each disbursement: \(result.output.prefix(300))")
            result = try await chitra(["report", "--period", "2026-07"])
            #expect(result.status == 0 && result.output.contains("31825") && result.output.contains("Against the paying accounts' statements:\n"),
                    "\(result.output)")
            result = try await chitra(["audit", "--unit", "31825"], as: finance)
            #expect(result.status == 0 && result.output.contains("run.approve") && result.output.contains("Trần Thị Kế Toán"), "\(result.output)")
        }
    }

    @Test("a person's command with no server to talk to says where it looked and how to point it, and touches nothing")
    func noServer() async throws {
        let result = try await CommandLineTests.run(["status"], url: nil, environment: Self.nowhere)
        #expect(result.status == 1)
        #expect(result.output == "Error: Chitra's server at http://127.0.0.1:9 cannot be reached: start `chitra serve`, or set CHITRA_URL to where it runs.",
                "\(result.output)")
    }
}
