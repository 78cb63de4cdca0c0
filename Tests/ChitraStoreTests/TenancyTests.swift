import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// Row-level security as the product meets it: connected as the application's role (`chitra_app`,
/// never the owner), with the scope each transaction sets.
@Suite("Tenancy (row-level security as the application's role)", .machine(limit: .minutes(3)))
struct TenancyTests {
    /// Imports three beneficiaries in each of 954 and 956.
    static func twoDistricts(_ database: Database) async throws {
        let importer = RegisterImporter(database: database, policy: try PolicyTable.bundled())
        for district in ["954", "956"] {
            var file = RegisterFileBuilder(district: district)
            for index in 1...3 { file.add("T\(district)-\(index)") }
            _ = try await importer.importFile(at: try file.write(), district: district, by: .test("operator"))
        }
    }

    static func ids(_ database: Database) async throws -> [String] {
        var ids: [String] = []
        for try await id in try await database.query("SELECT beneficiary_id FROM beneficiaries ORDER BY 1", "read").decode(String.self) {
            ids.append(id)
        }
        return ids
    }

    static func count(_ sql: String, _ database: Database) async throws -> Int {
        for try await count in try await database.query(PostgresQuery(unsafeSQL: sql), "count").decode(Int64.self) { return Int(count) }
        return -1
    }

    static func sqlState(_ sql: String, _ database: Database) async -> String? {
        do {
            try await database.transaction("try") { try await $0.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger) }
            return nil
        } catch let error as StoreError {
            if case .query(let state, _, _) = error { return state }
            return "\(error)"
        } catch {
            return (error as? PSQLError)?.serverInfo?[.sqlState] ?? "\(error)"
        }
    }

    @Test("the API and the workers connect as roles that are neither owner nor superuser, the owner is no superuser, and tenant tables force row-level security")
    func role() async throws {
        try await TestPostgres.withDatabase { database in
            #expect(database.url.user == LocalCluster.LoginRole.worker.rawValue)
            let rows = try await database.query("""
                SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcreaterole,
                       (SELECT count(*) FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = r.rolname),
                       pg_has_role(r.rolname, 'chitra_queue', 'MEMBER')
                FROM pg_roles r WHERE r.rolname IN ('chitra_api', 'chitra_worker', 'chitra_owner') ORDER BY r.rolname
                """, "read the roles")
            var seen: [String] = []
            for try await (name, superuser, bypass, createRole, owned, queue) in rows.decode((String, Bool, Bool, Bool, Int64, Bool).self) {
                seen.append(name)
                #expect(!superuser && !bypass && !createRole, "\(name)")
                #expect((owned > 0) == (name == "chitra_owner"), "\(name) owns \(owned) tables")
                #expect(queue == (name != "chitra_api"), "\(name) may act as the queue: \(queue)")
            }
            if ProcessInfo.processInfo.environment["CHITRA_TEST_DATABASE_URL"] == nil {
                #expect(seen == ["chitra_api", "chitra_owner", "chitra_worker"])
            }
            // Not tenant tables: the migrations' ledger, the queue's probe, the key sealing a
            // transaction's verification (the owner's alone by its privileges, migration 48).
            let unforced = try await database.query("""
                SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind = 'r'
                  AND c.relname NOT IN ('schema_migrations', 'job_probe_receipts', 'verification_key') AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
                """, "find tables without forced row-level security")
            var names: [String] = []
            for try await name in unforced.decode(String.self) { names.append(name) }
            #expect(names.isEmpty, "tables without forced row-level security: \(names)")
        }
    }

    @Test("no scope sees nothing; district A's scope sees and changes only A")
    func scopes() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.twoDistricts(database)
            try await Database.withRunning(database.url, maximumConnections: 2, logger: TestPostgres.logger) { (unscoped: Database) async throws in
                #expect(unscoped.scope == .nothing)
                for table in ["beneficiaries", "register_imports", "payout_units", "jobs", "audit_log", "api_tokens", "runs", "disbursements"] {
                    #expect(try await Self.count("SELECT count(*) FROM \(table)", unscoped) == 0, "\(table) seen without a scope")
                }
                // Writing without a scope is refused by the policies' check.
                #expect(await Self.sqlState("INSERT INTO jobs (kind, unit_code) VALUES ('noop', '954')", unscoped) == "42501")

                // Asked with the tests' service credential, which the database verifies (migration 24).
                let credential = TestPostgres.serviceCredential
                let a = unscoped.scoped(Scope(districts: ["954"], credential: credential))
                #expect(try await Self.ids(a) == ["T954-1", "T954-2", "T954-3"])
                #expect(try await Self.count("SELECT count(*) FROM payout_units", a) == 1)
                #expect(try await Self.count("WITH c AS (UPDATE beneficiaries SET full_name = 'X' WHERE unit_code = '956' RETURNING 1) SELECT count(*) FROM c", a) == 0)
                #expect(try await Self.count("WITH c AS (UPDATE beneficiaries SET full_name = 'Y' WHERE unit_code = '954' RETURNING 1) SELECT count(*) FROM c", a) == 3)
                #expect(try await Self.count("WITH c AS (DELETE FROM register_imports WHERE unit_code = '956' RETURNING 1) SELECT count(*) FROM c", a) == 0)
                #expect(await Self.sqlState("INSERT INTO jobs (kind, unit_code) VALUES ('noop', '956')", a) == "42501")
                #expect(await Self.sqlState("UPDATE beneficiaries SET unit_code = '956' WHERE unit_code = '954'", a) == "42501")
                #expect(try await Self.ids(unscoped.scoped(Scope(districts: ["954", "956"], credential: credential))).count == 6)
                try await JobQueue(database: unscoped.scoped(Scope(districts: ["954", "956"], credential: credential))).enqueue(
                    [NewJob(kind: "noop", districtCode: "954"), NewJob(kind: "noop", districtCode: "956")])
                // The queue's role sees jobs of every district and may read no other table.
                let queue = unscoped.scoped(.queue)
                #expect(try await Self.count("SELECT count(DISTINCT unit_code) FROM jobs", queue) == 2)
                for table in ["beneficiaries", "runs", "disbursements", "payout_units", "audit_log", "api_tokens"] {
                    #expect(await Self.sqlState("SELECT count(*) FROM \(table)", queue) == "42501", "the queue's role read \(table)")
                }
            }
            // District B's rows are untouched.
            #expect(try await Self.count("SELECT count(*) FROM beneficiaries WHERE full_name = 'X'", database) == 0)
        }
    }

    @Test("a worker running district A's job cannot read district B's rows")
    func workerScope() async throws {
        try await TestPostgres.withDatabase { database in
            try await Self.twoDistricts(database)
            let seen = Mutex<[String: [String]]>([:])
            let handler = ClosureHandler(kind: "peek") { context in
                let ids = try await Self.ids(context.database)
                try await context.withCompletingTransaction { connection in
                    // Even a handler asking for B by name, in its completing transaction, gets nothing of B.
                    var inTransaction: [String] = []
                    for try await id in try await connection.query("SELECT beneficiary_id FROM beneficiaries WHERE unit_code = '956'",
                                                                   logger: TestPostgres.logger).decode(String.self) { inTransaction.append(id) }
                    seen.withLock { $0[context.job.districtCode] = ids + inTransaction }
                }
            }
            // The worker's process has no scope of its own: it connects as the application, unscoped
            // (with its service credential, as chitra-worker has it).
            try await Database.withRunning(database.url, maximumConnections: 6, logger: TestPostgres.logger) { (unscoped: Database) async throws in
                try await JobQueue(database: database).enqueue(NewJob(kind: "peek", districtCode: "954"))
                try await WorkerHarness.withWorker(database: unscoped, handlers: [handler]) { _ in
                    try await eventually("the job ran") { seen.withLock { $0["954"] != nil } }
                }
            }
            #expect(seen.withLock { $0 } == ["954": ["T954-1", "T954-2", "T954-3"]])
        }
    }

    @Test("owner-only statements are refused to the application's role; the audit log refuses change even to the owner")
    func ownerOnly() async throws {
        try await TestPostgres.withDatabase { database in
            try await AuditLog.append(AuditEntry(by: .test("operator"), .triggerRun, district: "954", subject: "run 1"), database: database)
            for statement in [
                "ALTER TABLE beneficiaries DISABLE ROW LEVEL SECURITY",
                "ALTER TABLE beneficiaries NO FORCE ROW LEVEL SECURITY",
                "DROP POLICY tenant ON disbursements",
                "DROP TABLE runs",
                "TRUNCATE disbursements",
                "CREATE TABLE escape (a int)",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                "UPDATE audit_log SET actor = 'someone else'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "SELECT token_hash FROM api_tokens",
                "INSERT INTO schema_migrations (version, name) VALUES (999, 'x')",
                "SET session_replication_role = replica",
                "CREATE ROLE intruder SUPERUSER",
            ] {
                #expect(await Self.sqlState(statement, database) == "42501", "not refused: \(statement)")
            }
            try await TestPostgres.withOwner(of: database.url) { (owner: Database) async throws in
                #expect(await Self.sqlState("UPDATE audit_log SET actor = 'someone else'", owner) == "42501")
                #expect(await Self.sqlState("DELETE FROM audit_log", owner) == "42501")
                #expect(await Self.sqlState("TRUNCATE audit_log", owner) == "42501")
            }
            #expect(try await Self.count("SELECT count(*) FROM audit_log", database) == 1)
        }
    }
}
