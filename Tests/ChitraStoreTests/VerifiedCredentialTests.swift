import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

/// The database checks who asks (migration 24): a session of the application's role sees and
/// changes only what the credential it presents verifies to, whatever else it sets.
@Suite("Verified credentials (an attacker with the application's password)", .machine(limit: .minutes(3)))
struct VerifiedCredentialTests {
    /// What an attacker sets in every transaction: every unit, rows of none, and the units by name.
    static func attack(credential: String) -> String {
        """
        SELECT set_config('chitra.districts', '31825,31843,954', true), set_config('chitra.every_unit', 'on', true),
               set_config('chitra.global', 'on', true), set_config('chitra.credential', '\(credential)', true)
        """
    }

    /// Runs `sql` after `setup` in one transaction of the bare pool (the application's role, no
    /// scope of Chitra's): the rows' count, or the SQLSTATE that refused it.
    enum Outcome: Equatable { case rows(Int), refused(String) }

    static func run(_ sql: String, after setup: String, _ pool: Database) async -> Outcome {
        do {
            let count = try await pool.transaction("attack") { connection -> Int in
                // Read to the end: a setting refused is refused as its row is read.
                for try await _ in try await connection.query(PostgresQuery(unsafeSQL: setup), logger: TestPostgres.logger) {}
                var count = 0
                for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger).decode(Int64.self) {
                    count = Int(value)
                }
                return count
            }
            return .rows(count)
        } catch let error as StoreError {
            if case .query(let state, _, _) = error { return .refused(state ?? "\(error)") }
            return .refused("\(error)")
        } catch {
            return .refused((error as? PSQLError)?.serverInfo?[.sqlState] ?? "\(error)")
        }
    }

    static let tables = ["beneficiaries", "beneficiary_versions", "register_imports", "runs", "run_members", "run_totals", "entitlement_lines",
                         "disbursements", "run_shards", "transfer_batches", "jobs", "payout_units", "api_tokens", "audit_log",
                         "cash_confirmation_files", "register_moves", "beneficiary_moves"]

    /// A register of 31825 and a run of it triggered, a token of each kind, an audit entry.
    static func victim(_ database: Database) async throws -> (operatorToken: String, revoked: String) {
        var file = RegisterFileBuilder(district: "31825")
        for index in 1...3 { file.add("V31825-\(index)") }
        _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
            .importFile(at: try file.write(), district: "31825", by: .test("operator", role: .operator))
        _ = try await RunCoordinator(database: database).trigger(period: Period("2026-07")!, districts: ["31825"], by: .test("operator", role: .operator),
                                                                 autoApprove: false)
        let operatorToken = try await TestTokens.shared.token(for: TestPerson("Vận hành 31843", .operator, districts: ["31843"]), url: database.url)
        let revoked = try await TestTokens.shared.token(for: TestPerson("Quản trị thu hồi", .admin), url: database.url)
        let identity = try await Tokens.authenticate(revoked, database: database)
        _ = try await Tokens.revoke(id: identity.tokenID!, by: .test("admin", role: .admin), database: database)
        return (operatorToken, revoked)
    }

    @Test("no token, a forged one or a revoked admin's: every table reads nothing and every write is refused, whatever the session sets")
    func noValidCredential() async throws {
        try await TestPostgres.withDatabase { database in
            let (_, revoked) = try await Self.victim(database)
            try await Database.withRunning(database.url, maximumConnections: 2, logger: TestPostgres.logger) { pool in
                for credential in ["", "chitra_" + String(repeating: "x", count: 40), TestPostgres.serviceCredential.secret + "x", revoked] {
                    let setup = Self.attack(credential: credential)
                    for table in Self.tables {
                        #expect(await Self.run("SELECT count(*) FROM \(table)", after: setup, pool) == .rows(0), "\(table) with '\(credential.prefix(9))…'")
                    }
                    #expect(await Self.run("SELECT count(*) FROM service_credentials", after: setup, pool) == .refused("42501"))
                    // No token minted, no audit entry forged, no approval changed, no job added.
                    #expect(await Self.run("""
                        INSERT INTO api_tokens (name, role, token_hash, created_by) VALUES ('Kẻ gian', 'admin', sha256('chitra_mine'), 'x') RETURNING 1::int8
                        """, after: setup, pool) == .refused("42501"))
                    #expect(await Self.run("""
                        INSERT INTO audit_log (actor, actor_role, action, unit_code, subject) VALUES ('Trần Thị Bình', 'finance', 'run.approve', '31825', 'run 1')
                        RETURNING 1::int8
                        """, after: setup, pool) == .refused("42501"))
                    #expect(await Self.run("WITH c AS (UPDATE runs SET approved_by = 'Kẻ gian' RETURNING 1::int8) SELECT count(*) FROM c", after: setup, pool)
                            == .refused("42501"), "no approval written but through the database's function")
                    #expect(await Self.run("SELECT count(*) FROM (SELECT chitra_record_approval(1, 'Kẻ gian')) a", after: setup, pool) == .refused("42501"))
                    #expect(await Self.run("SELECT count(*) FROM chitra_create_token('Kẻ gian', 'admin', '{}', NULL, sha256('x'::bytea), 1, 'x')",
                                           after: setup, pool) == .refused("42501"))
                    #expect(await Self.run("""
                        SELECT count(*) FROM (SELECT chitra_append_audit('Trần Thị Bình', 'finance', NULL, 'run.approve', '31825', NULL, 'run 1', NULL, NULL)) a
                        """, after: setup, pool) == .refused("42501"))
                    #expect(await Self.run("INSERT INTO jobs (kind, unit_code) VALUES ('noop', '31825') RETURNING 1::int8", after: setup, pool) == .refused("42501"))
                }
            }
            // Nothing changed.
            #expect(try await TenancyTests.count("SELECT count(*) FROM api_tokens WHERE name = 'Kẻ gian'", database) == 0)
            #expect(try await TenancyTests.count("SELECT count(*) FROM runs WHERE approved_by IS NOT NULL", database) == 0)
        }
    }

    @Test("an operator's own token reaches only their unit, whatever else the session asks, and writes audit entries only in their own name")
    func operatorToken() async throws {
        try await TestPostgres.withDatabase { database in
            let (operatorToken, _) = try await Self.victim(database)
            var file = RegisterFileBuilder(district: "31843")
            file.add("V31843-1")
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "31843", by: .test("operator", role: .operator))
            try await Database.withRunning(database.url, maximumConnections: 2, logger: TestPostgres.logger) { pool in
                let setup = Self.attack(credential: operatorToken)
                #expect(await Self.run("SELECT count(*) FROM beneficiaries", after: setup, pool) == .rows(1), "31843's one, not 31825's three")
                #expect(await Self.run("SELECT count(*) FROM runs", after: setup, pool) == .rows(0))
                #expect(await Self.run("SELECT count(*) FROM api_tokens", after: setup, pool) == .rows(0))
                #expect(await Self.run("SELECT count(*) FROM payout_units", after: setup, pool) == .rows(1))
                #expect(await Self.run("""
                    INSERT INTO audit_log (actor, actor_role, action, unit_code, subject) VALUES ('Trần Thị Bình', 'finance', 'run.approve', '31843', 'run 1')
                    RETURNING 1::int8
                    """, after: setup, pool) == .refused("42501"), "not in another's name")
                let identity = try await Tokens.authenticate(operatorToken, database: database)
                #expect(await Self.run("""
                    INSERT INTO audit_log (actor, actor_role, actor_token_id, action, unit_code, subject)
                    VALUES ('Vận hành 31843', 'operator', \(identity.tokenID!), 'run.trigger', '31843', 'run 1') RETURNING 1::int8
                    """, after: setup, pool) == .refused("42501"), "not even in their own: entries go through the database's function")
                // Through it, the entry names the token's holder, whoever the call names; within their unit only.
                #expect(await Self.run("""
                    SELECT count(*) FROM (SELECT chitra_append_audit('Trần Thị Bình', 'finance', NULL, 'run.trigger', '31843', NULL, 'run 1', NULL, NULL)) a
                    """, after: setup, pool) == .rows(1))
                #expect(await Self.run("""
                    SELECT count(*) FROM (SELECT chitra_append_audit('Vận hành 31843', 'operator', NULL, 'run.trigger', '31825', NULL, 'run 1', NULL, NULL)) a
                    """, after: setup, pool) == .refused("42501"), "not in another unit")
                #expect(await Self.run("SELECT count(*) FROM chitra_create_token('Kẻ gian', 'admin', '{}', NULL, sha256('y'::bytea), 1, 'x')",
                                       after: setup, pool) == .refused("42501"), "an operator makes no token")
            }
            let actors = try await AuditLog.list(district: "31843", database: database).filter { $0.action == .triggerRun }.map(\.actor)
            #expect(actors == ["Vận hành 31843"], "the entry the call said was Trần Thị Bình's is the operator's")
        }
    }

    @Test("maker–checker in the database: a run is triggered by an operator in their own name, and its approval is written only by the database's function, in the name of a finance officer who did not trigger it")
    func makerChecker() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await Self.victim(database)
            // One person holding both an operator's and a finance officer's token; and another officer.
            let finance = try await TestTokens.shared.token(for: TestPerson("Lâm Hai Vai", .finance, districts: ["31825"]), url: database.url)
            let operatorToken = try await TestTokens.shared.token(for: TestPerson("Lâm Hai Vai", .operator, districts: ["31825"]), url: database.url)
            let checker = try await TestTokens.shared.token(for: TestPerson("Trần Thị Bình", .finance, districts: ["31825"]), url: database.url)
            try await Database.withRunning(database.url, maximumConnections: 2, logger: TestPostgres.logger) { pool in
                let asFinance = Self.attack(credential: finance), asOperator = Self.attack(credential: operatorToken)
                func approve(_ name: String) -> String { "SELECT count(*) FROM (SELECT chitra_record_approval(r.id, '\(name)') FROM runs r) a" }
                func trigger(_ name: String) -> String { "WITH c AS (UPDATE runs SET triggered_by = '\(name)' RETURNING 1::int8) SELECT count(*) FROM c" }
                #expect(await Self.run("WITH c AS (UPDATE runs SET approved_by = 'Lâm Hai Vai' RETURNING 1::int8) SELECT count(*) FROM c",
                                       after: asFinance, pool) == .refused("42501"), "no approval written but through the function")
                #expect(await Self.run(approve("Lâm Hai Vai"), after: asOperator, pool) == .refused("42501"), "an operator does not approve")
                #expect(await Self.run(trigger("Người khác"), after: asOperator, pool) == .refused("42501"), "nobody writes another as who triggered")
                #expect(await Self.run(trigger("Lâm Hai Vai"), after: asFinance, pool) == .refused("42501"), "finance does not trigger")
                // As the operator they trigger (their name on the run); as finance they may not approve it.
                #expect(await Self.run(trigger("Lâm Hai Vai"), after: asOperator, pool) == .rows(1))
                #expect(await Self.run(approve("Trần Thị Bình"), after: asFinance, pool) == .refused("42501"), "who triggered a run may not approve it, under any name")
                // Another officer approves, in their own name whatever the call says.
                #expect(await Self.run(approve("Kẻ gian"), after: Self.attack(credential: checker), pool) == .rows(1))
            }
            #expect(try await TenancyTests.count("SELECT count(*) FROM runs WHERE approved_by = 'Trần Thị Bình' AND approved_by_token IS NOT NULL", database) == 1)
        }
    }

    /// A role an attacker's session switches to, in the same transaction.
    static func becoming(_ role: String) -> String { "SELECT set_config('role', '\(role)', true)" }

    @Test("with the API's password the queue's, the worker's and the owner's roles are refused, and every table still reads nothing (the bulk loader's role reads nothing either: below)")
    func apiRole() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await Self.victim(database)
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 2, logger: TestPostgres.logger) { pool in
                for role in ["chitra_queue", "chitra_worker", "chitra_owner", LocalCluster.superuser] {
                    let outcome = await Self.run("SELECT count(*) FROM jobs", after: Self.becoming(role), pool)
                    #expect(outcome == .refused("42501"), "SET ROLE \(role): \(outcome)")
                }
                #expect(await Self.run("SELECT count(*) FROM jobs", after: Self.becoming("chitra_app"), pool) == .rows(0))
                for table in Self.tables {
                    #expect(await Self.run("SELECT count(*) FROM \(table)", after: Self.attack(credential: ""), pool) == .rows(0), "\(table)")
                }
            }
            #expect(try await TenancyTests.count("SELECT count(*) FROM jobs", database) == 1, "the run's plan job is there")
        }
    }

    /// A person of `unit`, as a bulk load writes one (columns the register requires).
    static func insertPerson(_ id: String, unit: String) -> String {
        """
        INSERT INTO beneficiaries (beneficiary_id, unit_code, full_name, commune_code, eligible_from, program, category,
                                   payment_method, recipient, current_version, first_import_id, last_import_id)
        VALUES ('\(id)', '\(unit)', 'Nguyễn Văn Chèn', '\(unit)', '2020-01-01', 'btxh', 'cao_tuoi_80', 'cash', 'self', 1, 1, 1)
        """
    }

    @Test("the bulk loader's role (chitra_copy_in), which row-level security does not bind so that COPY may run: it reads no table and changes no row, and every row it inserts, by INSERT or by COPY, must belong to a unit the transaction's credential reaches")
    func copyInRole() async throws {
        try await TestPostgres.withDatabase { database in
            let (operatorToken, _) = try await Self.victim(database)
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 2, logger: TestPostgres.logger) { pool in
                let asLoader = Self.attack(credential: operatorToken) + ", " + Self.becoming("chitra_copy_in").dropFirst("SELECT ".count)
                for table in Self.tables {
                    #expect(await Self.run("SELECT count(*) FROM \(table)", after: asLoader, pool) == .refused("42501"), "\(table)")
                }
                #expect(await Self.run("UPDATE beneficiaries SET full_name = 'x'", after: asLoader, pool) == .refused("42501"))
                #expect(await Self.run("DELETE FROM beneficiaries", after: asLoader, pool) == .refused("42501"))
                #expect(await Self.run("TRUNCATE beneficiaries", after: asLoader, pool) == .refused("42501"))
                // 31825 is not the operator's unit; nor is any unit reached without a credential.
                #expect(await Self.run(Self.insertPerson("X31825-1", unit: "31825"), after: asLoader, pool) == .refused("42501"))
                let uncredentialed = Self.attack(credential: "") + ", " + Self.becoming("chitra_copy_in").dropFirst("SELECT ".count)
                #expect(await Self.run(Self.insertPerson("X31843-0", unit: "31843"), after: uncredentialed, pool) == .refused("42501"))
                // By COPY, one row of another unit among rows of the operator's own fails them all.
                let copied: Outcome
                do {
                    try await pool.transaction("copy as the loader") { connection in
                        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: asLoader), logger: TestPostgres.logger) {}
                        try await connection.copyFrom(table: "beneficiaries", columns: [
                            "beneficiary_id", "unit_code", "full_name", "commune_code", "eligible_from", "program", "category",
                            "payment_method", "recipient", "current_version", "first_import_id", "last_import_id"], logger: TestPostgres.logger) { writer in
                            var rows = ""
                            for (id, unit) in [("X31843-1", "31843"), ("X31825-2", "31825"), ("X31843-2", "31843")] {
                                rows += "\(id)\t\(unit)\tNguyễn Văn Chèn\t\(unit)\t2020-01-01\tbtxh\tcao_tuoi_80\tcash\tself\t1\t1\t1\n"
                            }
                            try await writer.write(ByteBuffer(string: rows))
                        }
                    }
                    copied = .rows(3)
                } catch let StoreError.query(state, _, _) {
                    copied = .refused(state ?? "none")
                } catch let error as PSQLError {
                    copied = .refused(error.serverInfo?[.sqlState] ?? "\(error)")
                }
                #expect(copied == .refused("42501"))
                // The operator's own unit, by INSERT: written.
                #expect(await Self.run(Self.insertPerson("X31843-3", unit: "31843"), after: asLoader, pool) == .rows(0))
            }
            #expect(try await TenancyTests.count("SELECT count(*) FROM beneficiaries WHERE beneficiary_id LIKE 'X%'", database) == 1)
            #expect(try await TenancyTests.count("SELECT count(*) FROM beneficiaries WHERE beneficiary_id = 'X31843-3'", database) == 1)
        }
    }

    @Test("a worker reaches only the unit of the job it holds: its credential alone reads nothing, a job's lease reads that unit while the job runs, and the queue's role adds no job, moves none, and a lease it writes itself reaches nothing without the credential that claimed")
    func workerReach() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await Self.victim(database)
            var file = RegisterFileBuilder(district: "31843")
            file.add("V31843-1")
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "31843", by: .test("operator", role: .operator))
            let queueScope = Scope.queue.with(credential: TestPostgres.workerCredential)
            let claimed = try await Database.withRunning(database.url, maximumConnections: 1, scope: queueScope, logger: TestPostgres.logger) {
                try await JobQueue(database: $0).claim(limit: 10, owner: "worker-x", lease: .seconds(300))
            }
            let job = try #require(claimed.first { $0.districtCode == "31825" }, "the run's plan job")
            let count = "SELECT count(*) FROM beneficiaries"
            try await Database.withRunning(database.url, maximumConnections: 2, logger: TestPostgres.logger) { pool in
                #expect(await Self.run(count, after: Self.attack(credential: TestPostgres.workerCredential.secret), pool) == .rows(0),
                        "the worker's own credential")
                #expect(await Self.run(count, after: Self.attack(credential: job.lease.secret), pool) == .rows(3), "31825's three, not 31843's one")
                #expect(await Self.run("SELECT count(*) FROM api_tokens", after: Self.attack(credential: job.lease.secret), pool) == .rows(0))
                let parts = job.lease.secret.split(separator: "_", maxSplits: 2).map(String.init)   // chitrajob, id, secret_credential
                let leaseSecret = String(parts[2].prefix(while: { $0 != "_" }))
                let service = TestPostgres.workerCredential.secret
                for forged in ["chitrajob_\(job.id)_\(String(repeating: "A", count: 40))_\(service)",   // another secret
                               "chitrajob_\(job.id + 1)_\(leaseSecret)_\(service)",                       // another job
                               "chitrajob_\(job.id)_\(leaseSecret)_\(TestPostgres.serviceCredential.secret)",  // another credential
                               "chitrajob_\(job.id)_\(leaseSecret)"] {                                      // none
                    #expect(await Self.run(count, after: Self.attack(credential: forged), pool) == .rows(0), "\(forged.prefix(14))…")
                }
                // The lease's very parts, each out of its form: nothing either (the real lease, unchanged, reads its unit).
                let credential = String(service.dropFirst("chitrasvc_".count))
                for malformed in ["chitrajob_\(job.id)_\(leaseSecret)_\(service)_x",                 // a sixth part
                                  "chitrajob_\(job.id)x_\(leaseSecret)_\(service)",                  // an id not a number
                                  "chitrajob_0\(String(repeating: "0", count: 18))\(job.id)_\(leaseSecret)_\(service)",   // an id too long
                                  "chitrajob__\(leaseSecret)_\(service)",                             // no id
                                  "chitrajob_\(job.id)_\(leaseSecret)-_\(service)",                  // a secret with another character
                                  "chitrajob_\(job.id)_\(leaseSecret.prefix(19))_\(service)",         // a secret too short
                                  "chitrajob_\(job.id)_\(leaseSecret)_chitrasvx_\(credential)",       // another service prefix
                                  "chitrajob_\(job.id)_\(leaseSecret)_chitrasvc_\(credential.prefix(19))",
                                  "Chitrajob_\(job.id)_\(leaseSecret)_\(service)"] {
                    #expect(await Self.run(count, after: Self.attack(credential: malformed), pool) == .rows(0), "\(malformed)")
                }
                #expect(await Self.run(count, after: Self.attack(credential: "chitrajob_\(job.id)_\(leaseSecret)_\(service)"), pool) == .rows(3))
                let queue = Self.becoming("chitra_queue")
                #expect(await Self.run("SELECT count(*) FROM jobs", after: queue, pool) == .rows(1), "the queue sees jobs (ids and states only)")
                #expect(await Self.run(count, after: queue, pool) == .refused("42501"))
                #expect(await Self.run("INSERT INTO jobs (kind, unit_code) VALUES ('noop', '31843') RETURNING 1::int8", after: queue, pool)
                        == .refused("42501"))
                #expect(await Self.run("WITH c AS (UPDATE jobs SET unit_code = '31843' RETURNING 1::int8) SELECT count(*) FROM c", after: queue, pool)
                        == .refused("42501"))
                // The queue's role writes itself a lease of the credential that claimed: without that
                // credential's secret, the lease reaches nothing.
                #expect(await Self.run("""
                    WITH c AS (UPDATE jobs SET lease_secret_hash = sha256('\(String(repeating: "B", count: 40))'::bytea) WHERE id = \(job.id)
                               RETURNING 1::int8) SELECT count(*) FROM c
                    """, after: queue, pool) == .rows(1))
                for forged in ["chitrajob_\(job.id)_\(String(repeating: "B", count: 40))_chitrasvc_\(String(repeating: "C", count: 40))",
                               "chitrajob_\(job.id)_\(String(repeating: "B", count: 40))"] {
                    #expect(await Self.run(count, after: Self.attack(credential: forged), pool) == .rows(0), "a lease written by the queue's role alone")
                }
            }
            // Done, the job's lease reaches nothing.
            let finished = try await Database.withRunning(database.url, maximumConnections: 1, scope: queueScope, logger: TestPostgres.logger) {
                try await JobQueue(database: $0).finish([JobOutcome(jobID: job.id, attempt: job.attempt, result: .completed)], owner: "worker-x")
            }
            #expect(finished == 1)
            try await Database.withRunning(database.url, maximumConnections: 1, logger: TestPostgres.logger) { pool in
                #expect(await Self.run(count, after: Self.attack(credential: job.lease.secret), pool) == .rows(0))
            }
        }
    }
}
