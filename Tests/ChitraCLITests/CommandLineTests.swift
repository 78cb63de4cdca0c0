import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// The `chitra` executable as operators use it: output and exit codes.
@Suite("chitra command line", .machine(limit: .minutes(3)))
struct CommandLineTests {
    static var chitra: String { ChildProcess.executableFolder + "/chitra" }

    /// Runs `chitra` with `arguments` as `person` (by default the one whose role the command needs:
    /// `person(for:)`), with their token in CHITRA_TOKEN; `asOtherUser`: as the `postgres` user when
    /// this is root (so that file permissions apply), as this user otherwise. A person's command
    /// reaches the database only through the API (`chitra serve` in this process, in CHITRA_URL):
    /// it is given no DATABASE_URL; only the server-side commands (`serverSide`) are.
    static func run(_ arguments: [String], url: DatabaseURL?, as person: TestPerson? = nil, environment: [String: String] = [:],
                    asOtherUser: Bool = false) async throws -> (status: Int32, output: String) {
        var base: [String: String] = [:]
        if let url, url.user != LocalCluster.LoginRole.owner.rawValue {
            base["CHITRA_TOKEN"] = try await TestTokens.shared.token(for: person ?? Self.person(for: arguments), url: url)
        }
        guard !serverSide(arguments) else {
            base["DATABASE_URL"] = url?.connectionString ?? ""
            return try await spawn(arguments, environment: base.merging(environment) { $1 }, asOtherUser: asOtherUser)
        }
        guard let url else {
            // Nothing listens on the discard port: a command that would reach the server fails to.
            base["CHITRA_URL"] = "http://127.0.0.1:9"
            return try await spawn(arguments, environment: base.merging(environment) { $1 }, asOtherUser: asOtherUser)
        }
        let given = base.merging(environment) { $1 }
        return try await TestAPIServer.withServer(url) { server in
            try await spawn(arguments, environment: ["CHITRA_URL": server].merging(given) { $1 }, asOtherUser: asOtherUser)
        }
    }

    /// The commands that run beside the database (and read DATABASE_URL): the rest are people's,
    /// over the API.
    static func serverSide(_ arguments: [String]) -> Bool {
        ["migrate", "db", "demo", "generate", "serve", "worker", "bench"].contains(arguments.first ?? "")
            || arguments.contains("--as-owner")
    }

    static func spawn(_ arguments: [String], environment: [String: String], asOtherUser: Bool) async throws -> (status: Int32, output: String) {
        let log = NSTemporaryDirectory() + "chitra-cli-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let (executable, allArguments) = asOtherUser && getuid() == 0
            ? ("/usr/sbin/runuser", ["-u", "postgres", "--", chitra] + arguments) : (chitra, arguments)
        let process = try ChildProcess(executable: executable, arguments: allArguments, environment: environment, logPath: log)
        let status = await process.waitForExit()
        return (status, ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Who would run this command: an admin for jobs, settings and auto-approval; finance for
    /// approval, re-runs and cash confirmations; an operator otherwise.
    static func person(for arguments: [String]) -> TestPerson {
        let words = arguments.prefix(2).joined(separator: " ")
        if ["jobs enqueue", "jobs cancel", "jobs retry", "districts approval", "districts account", "districts fallback-day"].contains(words)
            || arguments.first == "token" || arguments.contains("--auto-approve") {
            return .admin
        }
        if ["approve", "retry"].contains(arguments.first ?? "") || ["cash confirm", "cash close", "cash fallback"].contains(words) {
            return .financeBinh
        }
        return .operatorAn
    }

    @Test("operators enqueue, list, show, cancel and retry jobs; mistakes are one sentence")
    func jobsCommands() async throws {
        try await TestPostgres.withNewDatabase { url in
            var result = try await Self.run(["jobs", "enqueue", "--kind", "plan", "--district", "956", "--unique-key", "plan:956:2026-07"], url: url)
            #expect(result.status == 0 && result.output == "Enqueued job 1.")
            result = try await Self.run(["jobs", "enqueue", "--kind", "plan", "--district", "956", "--unique-key", "plan:956:2026-07"], url: url)
            #expect(result.output == "Nothing enqueued: job 1 already holds that unique key.")
            result = try await Self.run(["jobs", "list", "--district", "956", "--state", "available"], url: url)
            #expect(result.status == 0)
            #expect(result.output.contains("available 1 · running 0"))
            #expect(result.output.contains("plan") && result.output.contains("956"))
            result = try await Self.run(["jobs", "cancel", "1"], url: url)
            #expect(result.output == "Job 1 (plan, district 956) is cancelled.")
            result = try await Self.run(["jobs", "cancel", "1"], url: url)
            #expect(result.status != 0)
            #expect(result.output == "Error: Job 1 is cancelled; only a job that is available, retryable or running can be changed this way.")
            result = try await Self.run(["jobs", "retry", "1"], url: url)
            #expect(result.output.hasPrefix("Job 1 (plan, district 956) is available again"))
            result = try await Self.run(["jobs", "show", "999"], url: url)
            #expect(result.status != 0 && result.output == "Error: There is no job 999.")
            result = try await Self.run(["jobs", "show", "1"], url: url)
            #expect(result.output.contains(#""uniqueKey" : "plan:956:2026-07""#))
        }
    }

    @Test("migrate is idempotent and names a missing folder")
    func migrate() async throws {
        try await TestPostgres.withNewEmptyDatabase { url in
            var result = try await Self.run(["serve", "--port", "0"], url: url)
            #expect(result.status != 0)
            #expect(result.output.hasSuffix("run `chitra migrate` first."), "\(result.output)")
            result = try await Self.run(["migrate"], url: url, environment: ["CHITRA_OWNER_DATABASE_URL": url.connectionString])
            let known = try Migration.load(from: Migration.bundledFolder!).count
            #expect(result.status == 0 && result.output.hasSuffix("Applied \(known) migrations."))
            result = try await Self.run(["migrate"], url: url, environment: ["CHITRA_OWNER_DATABASE_URL": url.connectionString])
            #expect(result.output == "The database is up to date; nothing to apply.")
            result = try await Self.run(["migrate", "--migrations", "/nonexistent"], url: url, environment: ["CHITRA_OWNER_DATABASE_URL": url.connectionString])
            #expect(result.status != 0 && result.output == "Error: The migration folder /nonexistent does not exist or holds no .sql files.")
        }
    }

    @Test("without DATABASE_URL a command run beside the database says what to do")
    func noDatabase() async throws {
        let result = try await Self.run(["serve", "--port", "0"], url: nil)
        #expect(result.status != 0)
        #expect(result.output.contains("DATABASE_URL is not set: run `chitra db start` and export the URL it prints, or pass --database-url."))
    }
}

extension CommandLineTests {
    @Test("chitra import prints a summary, says a re-import is a no-op, and lists every problem with a non-zero exit")
    func importCommand() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "960")
            file.add("C1")
            file.add("C2")
            let path = try file.write()
            var result = try await Self.run(["import", path, "--district", "960"], url: url)
            #expect(result.status == 0)
            #expect(result.output.contains("Read 2 records, imported all 2 (import 1): 2 new, 0 changed, 0 unchanged, 0 left (ended or deceased)."))
            #expect(result.output.hasPrefix("Read 2 records"), "in a log, the summary alone (the upload's progress shows on a terminal)")
            result = try await Self.run(["import", path, "--district", "960"], url: url)
            #expect(result.output == "This file was already imported (import 1); nothing changed.")

            var bad = RegisterFileBuilder(district: "960")
            bad.add("C3", [.program: "xyz"])
            bad.add("C4", [.eligibleFrom: "2024-7"])
            result = try await Self.run(["import", try bad.write(), "--district", "960"], url: url)
            #expect(result.status != 0)
            #expect(result.output == """
                Error: Line 2, column program: 'xyz' is not a program; use ncc or btxh.
                Line 3, column eligible_from: '2024-7' is not a month written YYYY-MM.
                Nothing was imported: 2 problems found.
                """)
            result = try await Self.run(["lists", "--district", "960", "--kind", "cash", "--month", "2025-01"], url: url)
            #expect(result.status == 0 && result.output.contains("C2,Nguyễn Văn C2,96001"))
        }
    }
}

extension CommandLineTests {
    @Test("chitra run, status and export disbursements from the command line")
    func runCommands() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "961")
            file.add("E1", [.eligibleFrom: "2024-09"])
            _ = try await Self.run(["import", try file.write(), "--district", "961"], url: url)
            var result = try await Self.run(["run", "--period", "2024-09"], url: url)
            #expect(result.output == "District 961: run 1 started (plan job 1).")
            result = try await Self.run(["run", "--period", "2024-09"], url: url)
            #expect(result.output == "District 961: run 1 was already triggered and is planning; nothing enqueued.")
            result = try await Self.run(["run", "--period", "2024-9"], url: url)
            #expect(result.status != 0 && result.output.contains("--period must be written YYYY-MM."))

            // A worker runs it; then finance approves.
            let worker = try WorkerProcesses.spawn(url: url)
            try await TestPostgres.withRunning(url) { database in
                try await eventually("run computed") {
                    try await RunStatus.list(period: nil, districts: nil, database: database).first?.state == .computed
                }
            }
            worker.signal(SIGTERM)
            await worker.waitForExit()
            // The operator may not approve; nor may the same person with a finance token (maker–checker).
            result = try await Self.run(["approve", "--district", "961", "--period", "2024-09"], url: url, as: .operatorAn)
            #expect(result.status == 5 && result.output == "Error: A token of role operator may not approve a run.")
            let sameperson = TestPerson(TestPerson.operatorAn.name.uppercased(), .finance, districts: ["961"])
            result = try await Self.run(["approve", "--district", "961", "--period", "2024-09"], url: url, as: sameperson)
            #expect(result.status != 0 && result.output.hasPrefix("Error: LÊ VĂN AN triggered this run and cannot also approve it"), "\(result.output)")
            result = try await Self.run(["approve", "--district", "961", "--period", "2024-09"], url: url)
            #expect(result.output == """
                Approved the run of district 961 for 2024-09 by Trần Thị Bình: 1 disbursements, 500.000 ₫.
                  program btxh: 1 · 500.000 ₫
                  rail cash: 1 · 500.000 ₫
                """)
            result = try await Self.run(["run", "cancel", "--district", "961", "--period", "2024-09"], url: url)
            #expect(result.status != 0)
            #expect(result.output == "Error: The run of district 961 for 2024-09 is approved; only a run not yet approved can be cancelled.")
            result = try await Self.run(["status", "--period", "2024-09"], url: url)
            #expect(result.output.contains("961       2024-09  approved  1/1"), "\(result.output)")
            #expect(result.output.contains("961 2024-09: program btxh: 1 · 500.000 ₫; rail cash: 1 · 500.000 ₫"), "\(result.output)")
            result = try await Self.run(["export", "disbursements", "--district", "961", "--period", "2024-09"], url: url)
            #expect(result.output == """
                beneficiary_id,period,amount_vnd,method,state,end_to_end_id,attempts
                E1,2024-09,500000,cash,cash_instructed,CT961202409NE1,0
                """)
            result = try await Self.run(["export", "disbursements", "--district", "961", "--period", "2024-09", "--format", "json"], url: url)
            #expect(result.output.contains(#""amount_vnd":500000"#))
            // To a file: readable by its owner only, even one that was there before, world-readable.
            let out = NSTemporaryDirectory() + "chitra-export-\(UUID().uuidString.prefix(8)).csv"
            #expect(FileManager.default.createFile(atPath: out, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))
            defer { try? FileManager.default.removeItem(atPath: out) }
            result = try await Self.run(["export", "disbursements", "--district", "961", "--period", "2024-09", "--out", out], url: url)
            #expect(result.status == 0 && result.output.isEmpty, "\(result.output)")
            #expect((try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int) == 0o600)
            #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix(DisbursementRow.csvHeader + "\n"))
        }
    }
}

extension CommandLineTests {
    @Test("chitra run --wait shows progress until computed, and exits non-zero with the reason when a run fails")
    func runWait() async throws {
        try await TestPostgres.withNewDatabase { url in
            var good = RegisterFileBuilder(district: "957")
            good.add("W1", [.eligibleFrom: "2024-09"])
            _ = try await Self.run(["import", try good.write(), "--district", "957"], url: url)
            // Entitled from a month before the btxh table starts (2021-07): the policy cannot compute it.
            var bad = RegisterFileBuilder(district: "958")
            bad.add("W2", [.eligibleFrom: "2021-01"])
            _ = try await Self.run(["import", try bad.write(), "--district", "958"], url: url)

            let worker = try WorkerProcesses.spawn(url: url)
            defer { worker.signal(SIGTERM) }
            var result = try await Self.run(["run", "--period", "2024-09", "--district", "957", "--wait"], url: url)
            #expect(result.status == 0)
            #expect(result.output.contains("957 [##############################] 1/1 beneficiaries computed, 1/1 shards, computed"))
            result = try await Self.run(["run", "--period", "2024-09", "--district", "958", "--wait"], url: url)
            #expect(result.status != 0)
            #expect(result.output.contains(
                "District 958: the run failed: shard 0 stopped: No base level of program btxh is in force in 2021-01; add one to the policy table. "
                    + "Once the cause is fixed, `chitra run resume --district 958 --period 2024-09` completes what did not; "
                    + "`chitra run cancel --district 958 --period 2024-09` removes what it wrote."), "\(result.output)")
        }
    }
}

extension CommandLineTests {
    @Test("chitra demo pays a small province end to end on a private PostgreSQL: exit 0, the report reconciles, nobody credited twice, nothing left running")
    func demo() async throws {
        let folder = "/tmp/chitra-demo-test-\(UUID().uuidString.prefix(6))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await Self.run(["demo", "--beneficiaries", "1400", "--folder", folder], url: nil)
        #expect(result.status == 0, "\(result.output)")
        for expected in ["• computing: [████████████████████████] 100 %", "asks to approve: refused", "approved 64 runs",
                         "Lê Văn An (operator) triggered 2025-06 in 8 districts", "the province moved the registers through the lineage",
                         "the province assigned the", "by 8 districts; 2025-07:",
                         "every run completed", "non-cash share", ": reconciles", "0 transfers credited more than once"] {
            #expect(result.output.contains(expected), "\(expected) in \(result.output)")
        }
        let communes = result.output.split(separator: "\n").filter { line in
            line.prefix(5).allSatisfy(\.isNumber) && line.dropFirst(5).hasPrefix(" ") && (line.hasPrefix("31") || line.hasPrefix("32"))
        }
        #expect(communes.count == 64, "Cà Mau's 64 communes each report: \(result.output)")
        // Nothing left behind: the workers, the simulator and PostgreSQL ended with the demo.
        // The reform's two months (its own database) and the month itself: each with its two workers.
        let groups = result.output.split(separator: "\n").filter { $0.contains("`chitra worker` processes (pids ") }
            .map { line in line.split(separator: "(pids ")[1].prefix { $0 != ";" }.split(separator: ", ").compactMap { Int32($0) } }
        #expect(groups.count == 3 && groups.allSatisfy { $0.count == 2 }, "\(groups)")
        let pids = groups.flatMap { $0 }
        try await eventually("the workers gone") { pids.allSatisfy { kill($0, 0) != 0 } }
        #expect(!LocalCluster.status(of: folder).running)
        #expect(FileManager.default.fileExists(atPath: folder + "/data/PG_VERSION"), "the cluster is kept for next time")
    }
}

extension CommandLineTests {
    @Test("chitra districts lists the settings and turns approval off and on")
    func districts() async throws {
        try await TestPostgres.withNewDatabase { url in
            var result = try await Self.run(["districts", "approval", "--district", "958", "off"], url: url)
            #expect(result.output == "District 958: computed runs are approved at once, without finance's approval.")
            result = try await Self.run(["districts"], url: url)
            let rows = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            #expect(rows.contains("958 Vĩnh Lợi until 2025-06 off - (not set) finance"), "\(result.output)")
            #expect(rows.contains("954 TP Bạc Liêu until 2025-06 required - (not set) finance"), "\(result.output)")
            #expect(rows.contains("31825 Phường Bạc Liêu from 2025-07 required - (not set) finance"), "\(result.output)")
            #expect(rows.last == "14 payout units.", "operator An reaches Bạc Liêu's seven districts and seven of the communes that took them over")
            result = try await Self.run(["districts", "approval", "--district", "999", "on"], url: url)
            #expect(result.status == 4 && result.output == "Error: There is no payout unit 999: `chitra units list` lists the districts and communes.")
            // The account a district pays from, for its bank payment files.
            result = try await Self.run(["districts", "account", "--district", "954", "--name", "Phòng LĐTBXH TP Bạc Liêu",
                                         "--account", "1234567890123", "--bank", "970405"], url: url)
            #expect(result.status == 0 && result.output == "District 954 pays from account ****0123 at bank 970405 (Phòng LĐTBXH TP Bạc Liêu).")
            result = try await Self.run(["districts"], url: url)
            #expect(result.output.contains("970405 ****0123 Phòng LĐTBXH TP Bạc Liêu"), "\(result.output)")
            #expect(!result.output.contains("1234567890123"), "the account number is masked")
            result = try await Self.run(["districts", "account", "--district", "956", "--name", "X", "--account", "12-34", "--bank", "970405"], url: url)
            #expect(result.status != 0 && result.output == "Error: District 956's paying account was not changed: the account number must be 6 to 19 digits.")
            result = try await Self.run(["districts", "account", "--district", "956", "--name", "X", "--account", "123456", "--bank", "VCB"], url: url)
            #expect(result.output.hasPrefix("Error: District 956's paying account was not changed: the bank must be given by its Napas code"))
        }
    }
}

extension CommandLineTests {
    @Test("chitra db start: a private folder, passwords and the admin token in 0600 files, a password asked of every connection, none printed unless asked")
    func privateCluster() async throws {
        let folder = NSTemporaryDirectory() + "chitra-db-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try await Self.run(["db", "start", "--folder", folder], url: nil)
        do {
            try await Self.checkPrivateCluster(folder: folder, result: result)
        } catch {
            _ = try? await Self.run(["db", "stop", "--folder", folder], url: nil)
            throw error
        }
        let stopped = try await Self.run(["db", "stop", "--folder", folder], url: nil)
        #expect(stopped.output == "Stopped.")
    }

    static func checkPrivateCluster(folder: String, result: (status: Int32, output: String)) async throws {
        do {
            #expect(result.status == 0, "\(result.output)")
            let password = try String(contentsOfFile: folder + "/api.password", encoding: .utf8)
            #expect(!result.output.contains(password), "a password was printed: \(result.output)")
            #expect(result.output.contains("export DATABASE_URL='postgres://chitra_api@127.0.0.1:"))
            #expect(result.output.contains("export CHITRA_WORKER_DATABASE_URL='postgres://chitra_worker@127.0.0.1:"))
            #expect(result.output.contains("export CHITRA_OWNER_DATABASE_URL='postgres://chitra_owner@127.0.0.1:"))
            func mode(_ path: String) throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
            #expect(try mode(folder) == 0o700)
            for file in ["pgpass", "admin.token", "service.credential", "serve.credential", "api.password", "worker.password", "owner.password",
                         "superuser.password"] {
                #expect(try mode(folder + "/" + file) == 0o600, "\(file)")
            }
            let hba = try String(contentsOfFile: folder + "/data/pg_hba.conf", encoding: .utf8)
            let rules = hba.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(!rules.isEmpty && rules.allSatisfy { $0.hasSuffix("scram-sha-256") }, "\(rules)")
            // The exported lines work: the admin token reads, as the application's role.
            let exports = Dictionary(uniqueKeysWithValues: result.output.split(separator: "\n").compactMap { line -> (String, String)? in
                guard line.hasPrefix("export "), let equals = line.firstIndex(of: "=") else { return nil }
                return (String(line.dropFirst(7).prefix(upTo: equals)), String(line[line.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: "'")))
            })
            let database = try PasswordFile(path: try #require(exports["PGPASSFILE"])).applied(to: try DatabaseURL(parsing: try #require(exports["DATABASE_URL"])))
            let districts = try await TestAPIServer.withServer(database) { server in
                try await Self.spawn(["districts"], environment: exports.merging(["CHITRA_URL": server]) { $1 }, asOtherUser: false)
            }
            #expect(districts.status == 0 && districts.output.contains("954"), "\(districts.output)")
            let shown = try await Self.run(["db", "status", "--folder", folder], url: nil)
            #expect(!shown.output.contains(password))
        }
    }
}
