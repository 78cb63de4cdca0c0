import ChitraStore
import ChitraTesting
import Foundation
import Testing

@Suite("Migrations", .machine(limit: .minutes(2)))
struct MigratorTests {
    @Test("migrating twice applies nothing the second time")
    func idempotent() async throws {
        try await TestPostgres.withNewEmptyDatabase { url in
            try await Database.withRunning(url, logger: TestPostgres.logger) { database in
                let migrator = try Migrator(database: database)
                let first = try await migrator.migrate()
                #expect(first.map(\.version) == migrator.migrations.map(\.version))
                let second = try await migrator.migrate()
                #expect(second.isEmpty)
                try await migrator.requireUpToDate()
            }
        }
    }

    @Test("two processes migrating at once take turns and apply each migration once")
    func concurrent() async throws {
        try await TestPostgres.withNewEmptyDatabase { url in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await Database.withRunning(url, maximumConnections: 2, logger: TestPostgres.logger) {
                            try await Migrator(database: $0).migrate().map(\.version)
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            try await Database.withRunning(url, logger: TestPostgres.logger) { database in
                let migrator = try Migrator(database: database)
                #expect(applied.sorted() == migrator.migrations.map(\.version))
                let recorded = try await migrator.appliedVersions()
                #expect(recorded == Set(migrator.migrations.map(\.version)))
            }
        }
    }

    @Test("a missing migration folder is one clear sentence")
    func missingFolder() async throws {
        #expect(throws: StoreError.migrationFolderMissing(path: "/nonexistent/migrations")) {
            _ = try Migration.load(from: "/nonexistent/migrations")
        }
        #expect(StoreError.migrationFolderMissing(path: "/x").description
            == "The migration folder /x does not exist or holds no .sql files.")
    }

    @Test("a failing migration is rolled back whole and named")
    func failingMigration() async throws {
        try await TestPostgres.withNewEmptyDatabase { url in
            let folder = NSTemporaryDirectory() + "chitra-migrations-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try "CREATE TABLE a (x int);".write(toFile: folder + "/0001_a.sql", atomically: true, encoding: .utf8)
            try "CREATE TABLE b (x int); SELECT * FROM no_such_table;".write(
                toFile: folder + "/0002_b.sql", atomically: true, encoding: .utf8)
            try await Database.withRunning(url, logger: TestPostgres.logger) { database in
                let migrator = try Migrator(database: database, folder: folder)
                await #expect {
                    try await migrator.migrate()
                } throws: { error in
                    guard case StoreError.migrationFailed(2, "b", let reason) = error else { return false }
                    return reason.contains("no_such_table")
                }
                #expect(try await migrator.appliedVersions() == [1])
                // Table b was rolled back with the failed migration.
                let rows = try await database.client.query("SELECT to_regclass('b') IS NULL")
                for try await missing in rows.decode(Bool.self) { #expect(missing) }
            }
        }
    }
}

extension MigratorTests {
    @Test("a database upgraded while a run computes gets its shards' records from the compute jobs (migration 5)")
    func shardsBackfilled() async throws {
        try await TestPostgres.withNewEmptyDatabase { url in
            try await Database.withRunning(url, scope: .owner, logger: TestPostgres.logger) { database in
                let all = try Migration.load(from: Migration.bundledFolder!)
                _ = try await Migrator(database: database, migrations: all.filter { $0.version <= 4 }).migrate()
                try await database.client.query("""
                    INSERT INTO runs (district_code, period, state, triggered_by, shards, shards_done, members)
                    VALUES ('954', '2024-09-01', 'computing', 'operator', 2, 1, 10)
                    """)
                try await database.client.query("""
                    INSERT INTO jobs (kind, district_code, args, state, finalized_at) VALUES
                    ('compute', '954', '{"runID": 1, "generation": 1, "shard": 0, "lower": "A", "upper": "M"}', 'completed', now()),
                    ('compute', '954', '{"runID": 1, "generation": 1, "shard": 1, "lower": "M"}', 'available', NULL)
                    """)
                _ = try await Migrator(database: database, migrations: all).migrate()
                let records = try await RunShardRecord.list(runID: 1, database: database)
                #expect(records.map(\.state) == [.done, .pending])
                #expect(records.map(\.lower) == ["A", "M"] && records.map(\.upper) == ["M", nil])
            }
        }
    }
}
