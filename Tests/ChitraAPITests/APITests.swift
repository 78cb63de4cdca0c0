import ChitraAPI
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// The HTTP API as its callers meet it: access by role and district on every route, bad input
/// answered 4xx with a sentence, and every route and answer as the OpenAPI document says.
@Suite("HTTP API", .machine(limit: .minutes(4)))
struct APITests {
    /// One request: method, path (as the document writes it, and filled in), body.
    struct Call: Sendable {
        var method: HTTPRequest.Method
        var template: String
        var path: String
        var body: String?
        var allowed: Set<Role>
        /// The district in the path or query, if any ({D} replaced).
        var takesDistrict: Bool
    }

    static let everyone: Set<Role> = [.operator, .finance, .province, .auditor, .admin]

    static func calls(district d: String) -> [Call] {
        [
            Call(method: .get, template: "/api/v1/districts", path: "/api/v1/districts", allowed: everyone, takesDistrict: false),
            Call(method: .get, template: "/api/v1/units", path: "/api/v1/units?province=96&level=commune&on=2026-07-01", allowed: everyone,
                 takesDistrict: false),
            Call(method: .get, template: "/api/v1/units/{unit}/move", path: "/api/v1/units/\(d)/move", allowed: [.province, .admin], takesDistrict: true),
            Call(method: .post, template: "/api/v1/units/{unit}/move", path: "/api/v1/units/\(d)/move", body: #"{"period": "2025-07"}"#,
                 allowed: [.province, .admin], takesDistrict: true),
            Call(method: .get, template: "/api/v1/units/{unit}/move/waiting", path: "/api/v1/units/\(d)/move/waiting", allowed: [.province, .admin],
                 takesDistrict: true),
            Call(method: .post, template: "/api/v1/units/{unit}/move/assignments", path: "/api/v1/units/\(d)/move/assignments",
                 body: #"{"assignments": [{"beneficiary_id": "X1", "unit": "31843"}]}"#, allowed: [.province, .admin], takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs", path: "/api/v1/runs?district=\(d)", allowed: everyone, takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs", path: "/api/v1/runs", body: #"{"period": "2026-05", "units": ["\#(d)"]}"#,
                 allowed: [.operator], takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs", path: "/api/v1/runs", body: #"{"period": "2026-04", "districts": ["\#(d)"], "auto_approve": true}"#,
                 allowed: [.admin], takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs", path: "/api/v1/runs", body: #"{"period": "2099-11", "units": ["\#(d)"], "force": true}"#,
                 allowed: [.admin], takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}", path: "/api/v1/runs/\(d)/2026-05", allowed: everyone, takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/progress", path: "/api/v1/runs/progress?period=2026-05&unit=\(d)", allowed: everyone,
                 takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/shards", path: "/api/v1/runs/\(d)/2026-05/shards", allowed: everyone,
                 takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/batches", path: "/api/v1/runs/\(d)/2026-05/batches", allowed: everyone,
                 takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/failed", path: "/api/v1/runs/\(d)/2026-05/failed?rail=bank", allowed: everyone,
                 takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/failed", path: "/api/v1/runs/\(d)/2026-05/failed?for=retries",
                 allowed: [.finance], takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/export", path: "/api/v1/runs/\(d)/2026-05/export?format=json", allowed: everyone,
                 takesDistrict: true),
            Call(method: .post, template: "/api/v1/units/loads", path: "/api/v1/units/loads", body: #"{"files": {}}"#, allowed: [.admin],
                 takesDistrict: false),
            Call(method: .get, template: "/api/v1/units/loads", path: "/api/v1/units/loads", allowed: everyone, takesDistrict: false),
            Call(method: .get, template: "/api/v1/units/{unit}/successors", path: "/api/v1/units/954/successors", allowed: everyone, takesDistrict: false),
            Call(method: .get, template: "/api/v1/units/{unit}/lists/{kind}", path: "/api/v1/units/\(d)/lists/cash?month=2026-05",
                 allowed: [.operator, .finance], takesDistrict: true),
            Call(method: .get, template: "/api/v1/reports/{period}/comparison", path: "/api/v1/reports/2026-05/comparison?unit=\(d)&compare=2025-06",
                 allowed: everyone, takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs/{unit}/{period}/approve", path: "/api/v1/runs/\(d)/2026-05/approve", allowed: [.finance], takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs/{unit}/{period}/resume", path: "/api/v1/runs/\(d)/2026-05/resume", allowed: [.operator, .finance], takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs/{unit}/{period}/cancel", path: "/api/v1/runs/\(d)/2026-03/cancel", allowed: [.operator, .finance], takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/disbursements", path: "/api/v1/runs/\(d)/2026-05/disbursements?limit=10",
                 allowed: everyone, takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs/{unit}/{period}/retries", path: "/api/v1/runs/\(d)/2026-05/retries", body: "{}",
                 allowed: [.finance], takesDistrict: true),
            Call(method: .post, template: "/api/v1/imports", path: "/api/v1/imports?district=\(d)", body: "REGISTER", allowed: [.operator], takesDistrict: true),
            Call(method: .get, template: "/api/v1/audit", path: "/api/v1/audit?district=\(d)", allowed: everyone, takesDistrict: true),
            Call(method: .get, template: "/api/v1/reports/{period}", path: "/api/v1/reports/2026-05?district=\(d)", allowed: everyone, takesDistrict: true),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/cash-list", path: "/api/v1/runs/\(d)/2026-05/cash-list",
                 allowed: [.operator, .finance], takesDistrict: true),
            Call(method: .post, template: "/api/v1/cash/confirmations", path: "/api/v1/cash/confirmations",
                 body: "end_to_end_id,beneficiary_id,amount_vnd,status,paid_on,received_by\n", allowed: [.finance], takesDistrict: false),
            Call(method: .post, template: "/api/v1/statements", path: "/api/v1/statements?file=stmt.xml", body: "<Document/>", allowed: [.finance],
                 takesDistrict: false),
            Call(method: .get, template: "/api/v1/runs/{unit}/{period}/reconciliation", path: "/api/v1/runs/\(d)/2026-05/reconciliation",
                 allowed: everyone, takesDistrict: true),
            Call(method: .get, template: "/api/v1/statements", path: "/api/v1/statements?unit=\(d)&date=2026-05-20", allowed: everyone, takesDistrict: true),
            Call(method: .post, template: "/api/v1/statements/fetch", path: "/api/v1/statements/fetch", body: #"{"unit": "\#(d)", "date": "2026-05-20"}"#,
                 allowed: [.finance], takesDistrict: true),
            Call(method: .post, template: "/api/v1/statements/breaks/{id}/recall", path: "/api/v1/statements/breaks/999999/recall",
                 allowed: [.finance], takesDistrict: false),
            Call(method: .get, template: "/api/v1/statements/breaks", path: "/api/v1/statements/breaks?unit=\(d)", allowed: everyone, takesDistrict: true),
            Call(method: .post, template: "/api/v1/statements/breaks/{id}/close", path: "/api/v1/statements/breaks/999999/close",
                 body: #"{"note": "đã đối chiếu"}"#, allowed: [.finance], takesDistrict: false),
            Call(method: .post, template: "/api/v1/runs/{unit}/{period}/cash/close", path: "/api/v1/runs/\(d)/2026-05/cash/close",
                 allowed: [.finance], takesDistrict: true),
            Call(method: .post, template: "/api/v1/runs/{unit}/{period}/cash/fallback", path: "/api/v1/runs/\(d)/2026-05/cash/fallback", body: "{}",
                 allowed: [.finance], takesDistrict: true),
            Call(method: .get, template: "/api/v1/tokens", path: "/api/v1/tokens", allowed: [.admin], takesDistrict: false),
            Call(method: .post, template: "/api/v1/tokens", path: "/api/v1/tokens", body: #"{"name": "Người Mới", "role": "auditor"}"#,
                 allowed: [.admin], takesDistrict: false),
            Call(method: .delete, template: "/api/v1/tokens/{id}", path: "/api/v1/tokens/999999", allowed: [.admin], takesDistrict: false),
            Call(method: .get, template: "/api/v1/jobs", path: "/api/v1/jobs?unit=\(d)&state=available&limit=5", allowed: everyone, takesDistrict: true),
            Call(method: .post, template: "/api/v1/jobs", path: "/api/v1/jobs", body: #"{"kind": "noop", "unit": "\#(d)"}"#, allowed: [.admin],
                 takesDistrict: true),
            Call(method: .get, template: "/api/v1/jobs/{id}", path: "/api/v1/jobs/999999", allowed: everyone, takesDistrict: false),
            Call(method: .post, template: "/api/v1/jobs/{id}/retry", path: "/api/v1/jobs/999999/retry", allowed: [.admin], takesDistrict: false),
            Call(method: .post, template: "/api/v1/jobs/{id}/cancel", path: "/api/v1/jobs/999999/cancel", allowed: [.admin], takesDistrict: false),
            Call(method: .put, template: "/api/v1/units/{unit}/approval", path: "/api/v1/units/\(d)/approval", body: #"{"required": true}"#,
                 allowed: [.admin], takesDistrict: true),
            Call(method: .put, template: "/api/v1/units/{unit}/paying-account", path: "/api/v1/units/\(d)/paying-account",
                 body: #"{"name": "UBND", "account": "1234567890", "bank": "970405"}"#, allowed: [.admin], takesDistrict: true),
            Call(method: .put, template: "/api/v1/units/{unit}/debit-grace-days", path: "/api/v1/units/\(d)/debit-grace-days", body: #"{"days": 5}"#,
                 allowed: [.admin], takesDistrict: true),
            Call(method: .put, template: "/api/v1/units/{unit}/cash-fallback-day", path: "/api/v1/units/\(d)/cash-fallback-day", body: #"{"day": 20}"#,
                 allowed: [.admin], takesDistrict: true),
        ]
    }

    static let people: [(person: TestPerson, own: String, other: String?)] = [
        (TestPerson("Op API", .operator, districts: ["31825"]), "31825", "31843"),
        (TestPerson("Fin API", .finance, districts: ["31825"]), "31825", "31843"),
        (TestPerson("Tỉnh API", .province, province: "96"), "31825", "00004"),
        (TestPerson("Kiểm API", .auditor), "31825", nil),
        (TestPerson("Admin API", .admin), "31825", nil),
    ]

    /// What the API answered, by operation, for the document check.
    final class Seen: Sendable {
        let statuses = Mutex<[String: Set<Int>]>([:])
        func add(_ method: HTTPRequest.Method, _ template: String, _ status: Int) {
            statuses.withLock { _ = $0["\(method.rawValue.lowercased()) \(template)", default: []].insert(status) }
        }
    }

    static func withAPI(_ body: @Sendable (any TestClientProtocol, DatabaseURL) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { database in
            // The server's own pool, as `chitra serve` has it (the API's role): no scope until a request's caller gives one.
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 10, logger: TestPostgres.logger) { pool in
                let server = APIServer(database: pool, requestsPerSecond: 10_000, burst: 10_000, logger: TestPostgres.logger)
                try await Application(router: server.router()).test(.router) { client in try await body(client, database.url) }
            }
        }
    }

    static func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, token: String?, body: String? = nil)
        async throws -> (status: Int, text: String) {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }

    @Test("every role × every route × own and other district, and no, revoked and expired tokens, answer 200s, 403, 404 or 401 as specified; every answer is in the OpenAPI document")
    func accessMatrix() async throws {
        let seen = Seen()
        try await Self.withAPI { client, url in
            var file = RegisterFileBuilder(district: "31825")
            file.add("API1")
            let register = try String(contentsOfFile: try file.write(), encoding: .utf8)
            for (person, own, other) in Self.people {
                let token = try await TestTokens.shared.token(for: person, url: url)
                for call in Self.calls(district: own) {
                    let (status, text) = try await Self.send(client, call.method, call.path, token: token,
                                                             body: call.body == "REGISTER" ? register : call.body)
                    seen.add(call.method, call.template, status)
                    let label = "\(person.role) \(call.method) \(call.path) → \(status) \(text)"
                    if call.allowed.contains(person.role) {
                        #expect(![401, 403, 500].contains(status) && !text.contains("among yours"), "\(label)")
                    } else {
                        #expect(status == 403 && text.contains("may not"), "\(label)")
                    }
                }
                if let other {
                    for call in Self.calls(district: other) where call.takesDistrict {
                        let (status, text) = try await Self.send(client, call.method, call.path, token: token,
                                                                 body: call.body == "REGISTER" ? register : call.body)
                        seen.add(call.method, call.template, status)
                        #expect(status == 404 && text.contains("There is no payout unit \(other) among yours"), "\(person.role) \(call.path) → \(status) \(text)")
                    }
                }
            }
            let revoked = try await TestTokens.shared.token(for: TestPerson("Thu Hồi API", .admin), url: url)
            let expired = try await TestTokens.shared.token(for: TestPerson("Hết Hạn API", .admin), url: url)
            try await TestPostgres.withRunning(url) { database in
                _ = try await Tokens.revoke(id: try await Tokens.authenticate(revoked, database: database).tokenID!, by: .test("admin", role: .admin), database: database)
            }
            try await TestPostgres.withOwner(of: url) {
                try await $0.query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'Hết Hạn API'", "expire")
            }
            for call in Self.calls(district: "31825") {
                for token in [nil, revoked, expired, "chitra_unknown"] {
                    let (status, text) = try await Self.send(client, call.method, call.path, token: token, body: call.body)
                    seen.add(call.method, call.template, status)
                    #expect(status == 401 && text.contains("token"), "\(token ?? "no token") \(call.path) → \(status) \(text)")
                }
            }
            // The document itself, served.
            let (status, text) = try await Self.send(client, .get, "/api/v1/openapi.json", token: nil)
            #expect(status == 200 && text.contains("\"openapi\""))
            seen.add(.get, "/api/v1/openapi.json", status)
        }
        try Self.checkAgainstDocument(seen.statuses.withLock { $0 })
    }

    /// Every route the server has is in the document with every status it answered, and every
    /// operation of the document was called.
    static func checkAgainstDocument(_ seen: [String: Set<Int>]) throws {
        let document = try JSONSerialization.jsonObject(with: try OpenAPIDocument.data()) as! [String: Any]
        let paths = document["paths"] as! [String: [String: Any]]
        var documented: [String: Set<Int>] = [:]
        for (path, operations) in paths {
            for (method, operation) in operations {
                let responses = (operation as! [String: Any])["responses"] as! [String: Any]
                documented["\(method) \(path)"] = Set(responses.keys.compactMap(Int.init))
            }
        }
        #expect(Set(seen.keys) == Set(documented.keys), "called but undocumented: \(Set(seen.keys).subtracting(documented.keys)); documented but never called: \(Set(documented.keys).subtracting(seen.keys))")
        for (operation, statuses) in seen {
            let undocumented = statuses.subtracting(documented[operation] ?? [])
            #expect(undocumented.isEmpty, "\(operation) answered \(undocumented.sorted()) which the document does not list")
        }
    }

    @Test("an administrator may revoke the token they are using: revoked and audited in their name, and refused from the next request on")
    func revokeOwnToken() async throws {
        try await Self.withAPI { client, url in
            let person = TestPerson("Quản trị tự thu hồi", .admin)
            let token = try await TestTokens.shared.token(for: person, url: url)
            let (listed, text) = try await Self.send(client, .get, "/api/v1/tokens", token: token)
            #expect(listed == 200)
            let tokens = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] ?? []
            let id = try #require(tokens.first { $0["name"] as? String == person.name }?["id"] as? Int)
            let (revoked, answer) = try await Self.send(client, .delete, "/api/v1/tokens/\(id)", token: token)
            #expect(revoked == 200, "\(answer)")
            #expect(try await Self.send(client, .get, "/api/v1/tokens", token: token).status == 401)
            let entries = try await TestPostgres.withRunning(url) {
                try await RunFixture.count("SELECT count(*) FROM audit_log WHERE actor = '\(person.name)' AND subject = 'token \(id)'", $0)
            }
            #expect(entries == 1)
        }
    }

    @Test("malformed JSON, unknown fields, wrong types, bad parameters and huge pages are 4xx with a sentence, never a 500")
    func badInput() async throws {
        try await Self.withAPI { client, url in
            let operatorToken = try await TestTokens.shared.token(for: TestPerson("Op Sai", .operator, districts: ["31825"]), url: url)
            let adminToken = try await TestTokens.shared.token(for: TestPerson("Admin Sai", .admin), url: url)
            let financeToken = try await TestTokens.shared.token(for: TestPerson("Fin Sai", .finance, districts: ["31825"]), url: url)
            let cases: [(HTTPRequest.Method, String, String?, String, Int, String)] = [
                (.post, "/api/v1/runs", "{not json", operatorToken, 400, "not a JSON object"),
                (.post, "/api/v1/runs", #"{"period": "2026-05", "district": "31825"}"#, operatorToken, 400, "Unknown field \"district\""),
                (.post, "/api/v1/runs", #"{"period": 202605}"#, operatorToken, 400, "Field \"period\" has the wrong type"),
                (.post, "/api/v1/runs", #"{"districts": ["31825"]}"#, operatorToken, 400, "Field \"period\" is missing"),
                (.post, "/api/v1/runs", #"{"period": "May 2026"}"#, operatorToken, 400, "YYYY-MM"),
                (.post, "/api/v1/runs", #"{"period": "1990-01", "districts": ["31825"]}"#, operatorToken, 422, ""),
                (.post, "/api/v1/runs", #"{"period": "2026-05", "units": ["31825"], "districts": ["31825"]}"#, operatorToken, 400, "two names for the same field"),
                (.get, "/api/v1/runs?unit=31825&district=31843", nil, operatorToken, 400, "two names for the same parameter"),
                (.post, "/api/v1/runs", "{\"period\": \"" + String(repeating: "x", count: 70_000) + "\"}", operatorToken, 413, "larger than"),
                (.get, "/api/v1/runs/95/2026-05", nil, operatorToken, 400, "three digits"),
                (.get, "/api/v1/runs/31825/2026-13", nil, operatorToken, 400, "YYYY-MM"),
                (.get, "/api/v1/runs/31825/2026-05/disbursements?limit=100000", nil, operatorToken, 400, "from 1 to 1000"),
                (.get, "/api/v1/runs/31825/2026-05/disbursements?state=lost", nil, operatorToken, 400, "state must be one of"),
                (.get, "/api/v1/audit?since=yesterday", nil, operatorToken, 400, "YYYY-MM-DD"),
                (.post, "/api/v1/imports", "beneficiary_id\nX", operatorToken, 400, "Name the register's district"),
                (.post, "/api/v1/imports?district=31825", "not,a,register\n1,2,3\n", operatorToken, 422, ""),
                (.post, "/api/v1/tokens", #"{"name": "X", "role": "emperor"}"#, adminToken, 400, "role must be one of"),
                (.post, "/api/v1/tokens", #"{"name": "X", "role": "operator"}"#, adminToken, 422, "needs its districts"),
                (.delete, "/api/v1/tokens/abc", nil, adminToken, 400, "positive number"),
                (.post, "/api/v1/runs/31825/2026-05/retries", #"{"rail": "cash"}"#, financeToken, 400, "The rail must be bank or wallet."),
                (.post, "/api/v1/runs/31825/2026-05/cash/fallback", #"{"reason": "insufficient"}"#, financeToken, 400, "ISO 20022 reason code"),
                (.post, "/api/v1/runs/31825/2026-05/cash/close", #"{"now": true}"#, financeToken, 400, "Unknown field \"now\""),
                (.get, "/api/v1/runs/31825/2026-05/cash-list?commune=12", nil, operatorToken, 400, "five digits"),
                (.post, "/api/v1/cash/confirmations", "end_to_end_id,beneficiary_id\nE1,B1\n", financeToken, 422, ""),
                (.get, "/api/v1/nothing-here", nil, operatorToken, 404, ""),
            ]
            for (method, path, body, token, expected, phrase) in cases {
                let (status, text) = try await Self.send(client, method, path, token: token, body: body)
                let message = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String])?["error"] ?? ""
                #expect(status == expected && (phrase.isEmpty || message.contains(phrase)), "\(method) \(path.prefix(80)) → \(status) \(text.prefix(200))")
            }
        }
    }

    @Test("a run through the API: import (again: a no-op), trigger (again: nothing), its disbursements page by page once each, approval by finance only")
    func flow() async throws {
        try await Self.withAPI { client, url in
            let operatorToken = try await TestTokens.shared.token(for: TestPerson("Op Luồng", .operator, districts: ["31825"]), url: url)
            var file = RegisterFileBuilder(district: "31825")
            for index in 1...5 { file.add("F\(index)") }
            let register = try String(contentsOfFile: try file.write(), encoding: .utf8)
            var (status, text) = try await Self.send(client, .post, "/api/v1/imports?district=31825", token: operatorToken, body: register)
            #expect(status == 201 && text.contains("\"rows\":5"), "\(text)")
            (status, text) = try await Self.send(client, .post, "/api/v1/imports?district=31825", token: operatorToken, body: register)
            #expect(status == 200 && text.contains("\"already_imported\":true"), "\(text)")
            (status, text) = try await Self.send(client, .post, "/api/v1/runs", token: operatorToken, body: #"{"period": "2026-05"}"#)
            #expect(status == 201 && text.contains("\"started\":true"), "\(text)")
            (status, text) = try await Self.send(client, .post, "/api/v1/runs", token: operatorToken, body: #"{"period": "2026-05"}"#)
            #expect(status == 200 && text.contains("\"started\":false"), "\(text)")
            (status, text) = try await Self.send(client, .get, "/api/v1/audit", token: operatorToken)
            #expect(status == 200 && text.contains("run.trigger") && text.contains("import") && text.contains("Op Luồng"), "\(text)")

            // A worker computes it; its disbursements come two by two, each once, in beneficiary order.
            try await TestPostgres.withRunning(url) { database in
                try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: try PolicyTable.bundled())) { _ in
                    try await eventually("run computed") {
                        try await RunStatus.list(period: Period("2026-05")!, districts: ["31825"], database: database).first?.state == .computed
                    }
                }
            }
            (status, text) = try await Self.send(client, .get, "/api/v1/runs/31825/2026-05", token: operatorToken)
            #expect(status == 200 && text.contains("\"state\":\"computed\""), "\(text)")
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/api/v1/runs/31825/2026-05/disbursements?limit=2" + (cursor.map { "&after=\($0)" } ?? "")
                (status, text) = try await Self.send(client, .get, path, token: operatorToken)
                #expect(status == 200, "\(text)")
                let page = try JSONDecoder().decode(DisbursementPage.self, from: Data(text.utf8))
                seen += page.items.map(\.beneficiaryID)
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 10
            let total = try await TestPostgres.withRunning(url) { database in
                try await RunStatus.list(period: Period("2026-05")!, districts: ["31825"], database: database).first?.totals.count ?? -1
            }
            #expect(total > 2 && seen.count == total && seen == seen.sorted() && Set(seen).count == seen.count, "\(seen) of \(total)")
            #expect(pages == (total + 1) / 2)
            // The operator who triggered it cannot approve it (role), and finance can.
            (status, _) = try await Self.send(client, .post, "/api/v1/runs/31825/2026-05/approve", token: operatorToken)
            #expect(status == 403)
            let financeToken = try await TestTokens.shared.token(for: TestPerson("Fin Luồng", .finance, districts: ["31825"]), url: url)
            (status, text) = try await Self.send(client, .post, "/api/v1/runs/31825/2026-05/approve", token: financeToken)
            #expect(status == 200 && text.contains("\"count\":\(total)"), "\(text)")
            // The month's report: the run approved, everything in flight, nobody paid yet.
            (status, text) = try await Self.send(client, .get, "/api/v1/reports/2026-05?district=31825", token: financeToken)
            let report = try JSONDecoder().decode(ProvinceReport.self, from: Data(text.utf8))
            #expect(status == 200 && report.districts.map(\.district) == ["31825"] && report.districts[0].runState == .approved, "\(text)")
            #expect(report.total.beneficiaries == total && report.total.inFlight.count == total && report.total.nonCashShare == nil)
            #expect(text.contains("\"non_cash_share\":null"), "\(text)")
        }
    }

    @Test("the API's port answers no /metrics; the metrics listener answers Prometheus's text: the API's requests by route and status, and the queue, sampled at most every 10 s")
    func metrics() async throws {
        ProcessMetrics.bootstrap()
        try await TestPostgres.withDatabase { database in
            try await JobQueue(database: database).enqueue(NewJob(kind: "noop", districtCode: "31825"))
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 4, logger: TestPostgres.logger) { pool in
                let server = APIServer(database: pool, requestsPerSecond: 10_000, burst: 10_000, logger: TestPostgres.logger)
                try await Application(router: server.router()).test(.router) { client in
                    let (refused, _) = try await Self.send(client, .get, "/api/v1/districts", token: nil)
                    #expect(refused == 401)
                    let (status, _) = try await Self.send(client, .get, "/metrics", token: nil)
                    #expect(status == 404)
                }
                let clock = ManualClock()
                // Read with the server's own credential, as `chitra serve --metrics-port` does.
                let metrics = pool.scoped(Scope.nothing.with(credential: TestPostgres.serviceCredential))
                let sample = CachedSample(lifetime: .seconds(10), clock: clock) { try await ProcessMetrics.apiText(metrics) }
                let endpoint = MetricsEndpoint(host: "127.0.0.1", port: 0, logger: TestPostgres.logger) { try await sample.text() }
                try await endpoint.application().test(.router) { client in
                    var (status, text) = try await Self.send(client, .get, "/metrics", token: nil)
                    #expect(status == 200, "\(text)")
                    #expect(text.contains(#"chitra_api_requests_total{route="GET /districts",status="401"}"#), "\(text)")
                    #expect(text.contains(#"chitra_queue_jobs{kind="noop",state="available"} 1"#), "\(text)")
                    // A second job: within the 10 s the scrape reads the last sample, after them a new one.
                    try await JobQueue(database: database).enqueue(NewJob(kind: "noop", districtCode: "31825"))
                    clock.advance(by: .seconds(9))
                    (status, text) = try await Self.send(client, .get, "/metrics", token: nil)
                    #expect(text.contains(#"chitra_queue_jobs{kind="noop",state="available"} 1"#), "\(text)")
                    clock.advance(by: .seconds(1))
                    (status, text) = try await Self.send(client, .get, "/metrics", token: nil)
                    #expect(text.contains(#"chitra_queue_jobs{kind="noop",state="available"} 2"#), "\(text)")
                }
            }
        }
    }

    @Test("the OpenAPI document is valid OpenAPI 3.1 (openapi-spec-validator)")
    func documentIsValid() async throws {
        let path = NSTemporaryDirectory() + "chitra-openapi-\(UUID().uuidString.prefix(8)).json"
        try OpenAPIDocument.data().write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // python3 -m openapi_spec_validator (pip install openapi-spec-validator==0.9.0; .ci/run does).
        let process = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", "-m", "openapi_spec_validator", path], logPath: path + ".log")
        let status = await process.waitForExit()
        let output = (try? String(contentsOfFile: path + ".log", encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: path + ".log")
        #expect(status == 0 && output.contains("OK"), "\(output)")
    }
}
