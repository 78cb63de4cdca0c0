import ChitraStore
import ChitraTesting
import Testing

@Suite("Connection errors", .machine(limit: .minutes(1)))
struct ConnectionErrorTests {
    @Test("an unreachable database is one sentence naming the server")
    func unreachable() async throws {
        let url = DatabaseURL(user: "chitra", host: "127.0.0.1", port: 1, database: "x", sslMode: "disable")
        await #expect {
            try await Database.probe(url, logger: TestPostgres.logger)
        } throws: { error in
            guard case StoreError.unreachable(let server, _) = error else { return false }
            return server == "127.0.0.1:1" && (error as? StoreError)?.description.hasPrefix("Cannot reach PostgreSQL at 127.0.0.1:1") == true
        }
    }

    @Test("a wrong password is reported as such")
    func wrongPassword() async throws {
        try await TestPostgres.withNewDatabase { url in
            // A server that trusts every connection (some DATABASE_URL setups) checks no password.
            try #require(url.password != nil, "the test server must check passwords")
            var wrong = url
            wrong.password = "not-the-password"
            await #expect(throws: StoreError.authenticationFailed(user: url.user, server: url.serverDescription)) {
                try await Database.probe(wrong, logger: TestPostgres.logger)
            }
        }
    }

    @Test("a missing database is named")
    func missingDatabase() async throws {
        let url = try await TestPostgres.newDatabaseURL()
        await TestPostgres.drop(url)
        await #expect(throws: StoreError.databaseMissing(name: url.database, server: url.serverDescription)) {
            try await Database.probe(url, logger: TestPostgres.logger)
        }
    }

    @Test("DATABASE_URL parsing", arguments: [
        ("postgres://u:p%40ss@db.example:6543/chitra?sslmode=disable", "postgres://u:***@db.example:6543/chitra"),
        ("postgresql://u@/chitra?host=/tmp/pg", "postgres://u@/chitra?host=/tmp/pg"),
    ])
    func parsing(text: String, shown: String) throws {
        let url = try DatabaseURL(parsing: text)
        #expect(url.description == shown)
    }

    @Test("a malformed DATABASE_URL is refused")
    func malformed() {
        #expect(throws: StoreError.self) { try DatabaseURL(parsing: "mysql://x/y") }
        #expect(throws: StoreError.self) { try DatabaseURL(parsing: "postgres://host:5432/") }
    }
}
