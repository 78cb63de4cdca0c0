import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

/// A transaction's credential is verified once, when its scope is set (`chitra_set_scope`,
/// migration 48), and the outcome is remembered in a setting the session can write but not seal.
@Suite("Verification remembered for a transaction (an attacker with the application's password)", .machine(limit: .minutes(3)))
struct RememberedVerificationTests {
    /// The scope Chitra sets: the units asked, every unit and the rows of none asked too.
    static func scoped(credential: String, units: String = "31825,31843,954") -> String {
        "SELECT chitra_set_scope('\(units)', 'on', 'on', '\(credential)')::text"
    }

    /// Runs `statements` in one transaction of `pool`, each read to its end: the last one's values.
    static func inOneTransaction(_ statements: [String], _ pool: Database) async throws -> [String] {
        try await pool.transaction("remembered") { connection in
            var last: [String] = []
            for sql in statements {
                last = []
                for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger).decode(String.self) {
                    last.append(value)
                }
            }
            return last
        }
    }

    @Test("a remembered verification forged, altered, copied into another transaction or left over after the credential or the units asked changed grants nothing beyond what the credential verifies to; the key that seals it and the sealing are the owner's alone")
    func forgedOrStale() async throws {
        try await TestPostgres.withDatabase { database in
            let (operatorToken, _) = try await VerifiedCredentialTests.victim(database)   // 31825's three; a token of 31843
            var file = RegisterFileBuilder(district: "31843")
            file.add("V31843-1")
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "31843", by: .test("operator", role: .operator))
            let count = "SELECT count(*)::text FROM beneficiaries"
            try await Database.withRunning(database.url, maximumConnections: 2, logger: TestPostgres.logger) { pool in
                // Remembered as Chitra sets it: the operator's one unit, whatever else was asked.
                let remembered = try await Self.inOneTransaction([Self.scoped(credential: operatorToken), "SELECT current_setting('chitra.verified')"], pool)[0]
                #expect(remembered.hasSuffix("|ff|31843"), "\(remembered)")
                #expect(try await Self.inOneTransaction([Self.scoped(credential: operatorToken), count], pool) == ["1"])
                #expect(try await Self.inOneTransaction([Self.scoped(credential: operatorToken), "SELECT count(*)::text FROM api_tokens"], pool) == ["0"])

                // Its seal on another outcome (every unit, rows of none), or a seal made up: what the token verifies to.
                let seal = String(remembered.prefix(64))
                for forged in ["\(seal)|tt|31825,31843,954", "\(seal)|ff|31825,31843", "\(String(repeating: "0", count: 64))|tt|31825,31843,954"] {
                    let setup = "SELECT set_config('chitra.verified', '\(forged)', true)"
                    #expect(try await Self.inOneTransaction([VerifiedCredentialTests.attack(credential: operatorToken), setup, count], pool) == ["1"], "\(forged)")
                    #expect(try await Self.inOneTransaction([VerifiedCredentialTests.attack(credential: ""), setup, count], pool) == ["0"], "\(forged)")
                    #expect(try await Self.inOneTransaction([VerifiedCredentialTests.attack(credential: ""), setup, "SELECT count(*)::text FROM api_tokens"], pool)
                            == ["0"])
                }
                // The true one copied into the next transaction (same credential, same units): worth nothing there either.
                let copied = "SELECT set_config('chitra.verified', '\(remembered)', true)"
                #expect(try await Self.inOneTransaction([VerifiedCredentialTests.attack(credential: ""), copied, count], pool) == ["0"])
                // The credential changed after the scope was set: the new one verified in full (nothing).
                #expect(try await Self.inOneTransaction([Self.scoped(credential: operatorToken), "SELECT set_config('chitra.credential', 'chitra_x', true)", count],
                                                        pool) == ["0"])
                // The units asked changed: intersected again (31825 is not the operator's).
                #expect(try await Self.inOneTransaction([Self.scoped(credential: operatorToken), "SELECT set_config('chitra.districts', '31825', true)", count],
                                                        pool) == ["0"])
                // The key and the sealing: refused to the application's role.
                #expect(await VerifiedCredentialTests.run("SELECT count(*) FROM verification_key", after: Self.scoped(credential: operatorToken), pool)
                        == .refused("42501"))
                #expect(await VerifiedCredentialTests.run("SELECT length(chitra_verification_seal('tt|'))::int8", after: Self.scoped(credential: operatorToken), pool)
                        == .refused("42501"))
            }
        }
    }

    /// Sets how long a session believes a token it verified (migration 49), as the owner.
    static func believe(for interval: String, _ database: Database) async throws {
        try await TestPostgres.withOwner(of: database.url) { owner in
            try await owner.query(PostgresQuery(unsafeSQL: "UPDATE verification_key SET believed_for = interval '\(interval)'"), "set believed_for")
        }
    }

    @Test("a token revoked while one of its transactions runs is honoured to that transaction's end, by the session that verified it while believed_for lasts (none when zero), and by no other session")
    func revokedMidTransaction() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await VerifiedCredentialTests.victim(database)
            let token = try await TestTokens.shared.token(for: TestPerson("Vận hành 31825", .operator, districts: ["31825"]), url: database.url)
            let identity = try await Tokens.authenticate(token, database: database)
            let count = "SELECT count(*) FROM beneficiaries"
            // A minute, so that the session's next transaction is surely within it.
            try await Self.believe(for: "1 minute", database)
            try await Database.withRunning(database.url, maximumConnections: 1, logger: TestPostgres.logger) { session in
                let (before, after) = try await session.transaction("revoked meanwhile") { connection -> (Int64, Int64) in
                    for try await _ in try await connection.query(PostgresQuery(unsafeSQL: Self.scoped(credential: token)), logger: TestPostgres.logger) {}
                    var before: Int64 = -1, after: Int64 = -1
                    for try await value in try await connection.query(PostgresQuery(unsafeSQL: count), logger: TestPostgres.logger).decode(Int64.self) { before = value }
                    _ = try await Tokens.revoke(id: identity.tokenID!, by: .test("admin", role: .admin), database: database)
                    for try await value in try await connection.query(PostgresQuery(unsafeSQL: count), logger: TestPostgres.logger).decode(Int64.self) { after = value }
                    return (before, after)
                }
                #expect(before == 3 && after == 3, "\(before), \(after)")
                // The same session, its next transaction: believed (the same token, the same units).
                #expect(await VerifiedCredentialTests.run(count, after: Self.scoped(credential: token), session) == .rows(3))
                // Other units asked: verified again, and refused.
                #expect(await VerifiedCredentialTests.run(count, after: Self.scoped(credential: token, units: "31825"), session) == .rows(0))
                // Any other session: verified, refused.
                try await Database.withRunning(database.url, maximumConnections: 1, logger: TestPostgres.logger) { other in
                    #expect(await VerifiedCredentialTests.run(count, after: Self.scoped(credential: token), other) == .rows(0))
                }
                // believed_for set to zero ends every belief at once.
                try await Self.believe(for: "0", database)
                #expect(await VerifiedCredentialTests.run(count, after: Self.scoped(credential: token), session) == .rows(0))
            }
        }
    }

    @Test("with believed_for zero nothing is remembered: a token revoked while its transaction runs reaches nothing from the next statement, and a temporary table named pg_class makes nobody the owner")
    func nothingBelieved() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await VerifiedCredentialTests.victim(database)
            let token = try await TestTokens.shared.token(for: TestPerson("Vận hành 31825", .operator, districts: ["31825"]), url: database.url)
            let identity = try await Tokens.authenticate(token, database: database)
            try await Self.believe(for: "0", database)
            try await Database.withRunning(database.url, maximumConnections: 1, logger: TestPostgres.logger) { session in
                let counts = try await session.transaction("revoked meanwhile") { connection -> [Int64] in
                    for try await _ in try await connection.query(PostgresQuery(unsafeSQL: Self.scoped(credential: token)), logger: TestPostgres.logger) {}
                    var counts: [Int64] = []
                    for revoke in [false, true] {
                        if revoke { _ = try await Tokens.revoke(id: identity.tokenID!, by: .test("admin", role: .admin), database: database) }
                        for try await value in try await connection.query("SELECT count(*) FROM beneficiaries", logger: TestPostgres.logger).decode(Int64.self) {
                            counts.append(value)
                        }
                    }
                    return counts
                }
                #expect(counts == [3, 0])
                // No credential, a temporary table in the catalogue's name saying the application's role owns the tables.
                let shadow = ["CREATE TEMP TABLE pg_class (oid oid, relowner oid) ON COMMIT DROP",
                              "INSERT INTO pg_class VALUES ('public.runs'::regclass, 'chitra_app'::regrole)",
                              VerifiedCredentialTests.attack(credential: "")]
                for table in ["beneficiaries", "api_tokens", "runs"] {
                    #expect(try await Self.inOneTransaction(shadow + ["SELECT count(*)::text FROM \(table)"], session) == ["0"], "\(table)")
                }
            }
        }
    }

    @Test("a session believes a person's token only: a job's lease reaches nothing from the transaction after its job finished, in the very session that used it")
    func leaseNeverBelieved() async throws {
        try await TestPostgres.withDatabase { database in
            _ = try await VerifiedCredentialTests.victim(database)
            try await Self.believe(for: "1 minute", database)
            let queueScope = Scope.queue.with(credential: TestPostgres.workerCredential)
            let claimed = try await Database.withRunning(database.url, maximumConnections: 1, scope: queueScope, logger: TestPostgres.logger) {
                try await JobQueue(database: $0).claim(limit: 10, owner: "worker-x", lease: .seconds(300))
            }
            let job = try #require(claimed.first { $0.districtCode == "31825" }, "the run's plan job")
            let count = "SELECT count(*) FROM beneficiaries"
            try await Database.withRunning(database.url, maximumConnections: 1, logger: TestPostgres.logger) { session in
                #expect(await VerifiedCredentialTests.run(count, after: Self.scoped(credential: job.lease.secret, units: "31825"), session) == .rows(3))
                let finished = try await Database.withRunning(database.url, maximumConnections: 1, scope: queueScope, logger: TestPostgres.logger) {
                    try await JobQueue(database: $0).finish([JobOutcome(jobID: job.id, attempt: job.attempt, result: .completed)], owner: "worker-x")
                }
                #expect(finished == 1)
                #expect(await VerifiedCredentialTests.run(count, after: Self.scoped(credential: job.lease.secret, units: "31825"), session) == .rows(0))
            }
        }
    }
}
