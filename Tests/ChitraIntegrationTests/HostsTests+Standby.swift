import AsyncHTTPClient
import ChitraAPI
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import Foundation
import NIOCore
import Testing

/// Reads off the primary (issue 29): `chitra serve` with a standby's pool answers a run's status,
/// the runs list and reports from the standby, saying how far behind it is; a trigger writes on the
/// primary. The standby's replay is paused to make its lag visible (Patroni in maintenance
/// meanwhile), then resumed.
extension HostsTests {
    @Test("the API reads status and lists from the standby, saying how far behind it is, and writes on the primary")
    func readsOffTheStandby() async throws {
        try await HACluster.with(hosts: []) { ha in
            var file = RegisterFileBuilder(district: "31825")
            for index in 1...20 { file.add("STB\(index)") }
            let path = try file.write()
            defer { try? FileManager.default.removeItem(atPath: path) }
            try await ha.withPrimary { database in
                _ = try await RegisterImporter(database: database, policy: RunFixture.policy).importFile(at: path, district: "31825", by: .test("operator"))
            }
            let token = try await Database.withRunning(try await ha.primarySocket(.owner), scope: .owner, logger: TestPostgres.logger) {
                try await Tokens.create(TokenRequest(name: "Trần Thị Hoa", role: .operator, districts: ["31825"], expiresInDays: 1),
                                        by: .system("test owner", districts: []), database: $0).secret
            }
            let standby = try await ha.standbySocket(nil)
            try await Self.replayed(ha, standby: standby)
            // Patroni resumes a paused replay at its next loop unless it is in maintenance.
            try await ha.maintenance(true)
            try await Self.onStandby(standby, "SELECT pg_wal_replay_pause()")
            try await TestAPIServer.withServer(primary: try await ha.primarySocket(.api), standby: try await ha.standbySocket(.api)) { base in
                let trigger = try await Self.call(base + "/api/v1/runs", token: token, body: #"{"period": "2026-06", "units": ["31825"]}"#)
                #expect(trigger.status == 201, "the trigger is written on the primary: \(trigger.text)")
                let status = try await Self.call(base + "/api/v1/runs/31825/2026-06", token: token)
                #expect(status.status == 404, "the paused standby has not the run yet: \(status.text)")
                #expect((status.lag ?? 0) > 0, "its answer says it is behind: \(String(describing: status.lag))")
                let list = try await Self.call(base + "/api/v1/runs?period=2026-06", token: token)
                #expect(list.status == 200 && list.text.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "\(list.text)")
                try await Self.onStandby(standby, "SELECT pg_wal_replay_resume()")
                try await ha.maintenance(false)
                try await eventually("the standby catches up, and says so") {
                    let status = try await Self.call(base + "/api/v1/runs/31825/2026-06", token: token)
                    return status.status == 200 && status.lag == 0
                }
            }
        }
    }

    /// Waits until the standby has replayed everything the primary has written so far.
    static func replayed(_ ha: HACluster, standby: DatabaseURL) async throws {
        let written = try await Database.withRunning(try await ha.primarySocket(nil), scope: .owner, logger: TestPostgres.logger) { primary in
            var lsn = ""
            for try await value in try await primary.query("SELECT pg_current_wal_lsn()::text", "read the primary's position").decode(String.self) { lsn = value }
            return lsn
        }
        try await Database.withRunning(standby, scope: .owner, logger: TestPostgres.logger) { standby in
            try await eventually("the standby replays what the primary wrote") {
                try await RunFixture.count("SELECT count(*) FROM (SELECT 1 WHERE pg_last_wal_replay_lsn() >= '\(written)'::pg_lsn) caught", standby) == 1
            }
        }
    }

    static func onStandby(_ standby: DatabaseURL, _ sql: String) async throws {
        try await Database.withRunning(standby, scope: .owner, logger: TestPostgres.logger) { database in
            _ = try await RunFixture.count("SELECT count(*) FROM (\(sql)) done", database)
        }
    }

    /// GET `url` (POST with `body`) as the bearer of `token`: the status, the text, and the
    /// standby's lag the answer gave, if any.
    static func call(_ url: String, token: String, body: String? = nil) async throws -> (status: Int, text: String, lag: Double?) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), text, response.headers.first(name: "Chitra-Standby-Lag").flatMap(Double.init))
    }
}
