import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

@Suite("Tenancy (row-level security)", .timeLimit(.minutes(2)))
struct TenancyTests {
    @Test("a session sees only the districts named in chitra.districts, and none without it")
    func rowLevelSecurity() async throws {
        try await TestPostgres.withDatabase { database in
            let importer = RegisterImporter(database: database, policy: try PolicyTable.bundled())
            for district in ["954", "956"] {
                var file = RegisterFileBuilder(district: district)
                for index in 1...3 { file.add("T\(district)-\(index)") }
                _ = try await importer.importFile(at: try file.write(), district: district)
            }
            // The application's role is not the owner: row-level security binds it.
            let role = "chitra_tenant_\(UUID().uuidString.prefix(8).lowercased())"
            try await database.client.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role) NOLOGIN"))
            try await database.client.query(PostgresQuery(unsafeSQL: "GRANT SELECT ON beneficiaries, beneficiary_versions, register_imports TO \(role)"))
            func visible(_ districts: String?) async throws -> [String] {
                try await database.transaction("read as a tenant") { connection in
                    try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL ROLE \(role)"), logger: TestPostgres.logger)
                    if let districts {
                        try await connection.query("SELECT set_config('chitra.districts', \(districts), true)", logger: TestPostgres.logger)
                    }
                    var ids: [String] = []
                    let rows = try await connection.query("SELECT beneficiary_id FROM beneficiaries ORDER BY 1", logger: TestPostgres.logger)
                    for try await id in rows.decode(String.self) { ids.append(id) }
                    return ids
                }
            }
            #expect(try await visible("954") == ["T954-1", "T954-2", "T954-3"])
            #expect(try await visible("954,956").count == 6)
            #expect(try await visible(nil).isEmpty)
            #expect(try await visible("957").isEmpty)
            try await database.client.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(role)"))
            try await database.client.query(PostgresQuery(unsafeSQL: "DROP ROLE \(role)"))
        }
    }
}
