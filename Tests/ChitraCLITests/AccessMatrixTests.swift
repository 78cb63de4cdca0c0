import ChitraCore
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// Who may do what where, from the command line over the API (as `APITests.accessMatrix` asks the
/// API itself): every role × every state-changing command (and
/// the reads) × own district / another district, and every command with no token, a revoked
/// token and an expired one. Another district answers "not found" (exit 4), a forbidden action
/// "forbidden" (exit 5), a missing or dead token exit 6; an allowed command gets past access
/// (whatever it then finds: no run to approve, nothing to retry).
@Suite("Access matrix (command line)", .machine(.alone, limit: .minutes(10)))
struct AccessMatrixTests {
    /// A command, with `{D}` where its district goes, and the roles allowed to run it (the access
    /// rules written out rather than derived from `Action.roles`).
    struct Command: Sendable {
        var arguments: [String]
        var allowed: Set<Role>
        var takesDistrict: Bool { arguments.contains("{D}") }

        func with(district: String) -> [String] { arguments.map { $0 == "{D}" ? district : $0 } }
    }

    static let everyone: Set<Role> = [.operator, .finance, .province, .auditor, .admin]

    static func commands(register: String, confirmations: String, cashList: String) -> [Command] {
        [
            Command(arguments: ["import", register, "--district", "{D}"], allowed: [.operator]),
            Command(arguments: ["run", "--period", "2026-07", "--district", "{D}"], allowed: [.operator]),
            Command(arguments: ["run", "--period", "2026-07", "--district", "{D}", "--auto-approve"], allowed: [.admin]),
            Command(arguments: ["run", "cancel", "--period", "2026-05", "--district", "{D}"], allowed: [.operator, .finance]),
            Command(arguments: ["run", "resume", "--period", "2026-05", "--district", "{D}"], allowed: [.operator, .finance]),
            Command(arguments: ["approve", "--period", "2026-05", "--district", "{D}"], allowed: [.finance]),
            Command(arguments: ["retry", "--period", "2026-05", "--district", "{D}", "--yes"], allowed: [.finance]),
            Command(arguments: ["cash", "fallback", "--period", "2026-05", "--district", "{D}", "--yes"], allowed: [.finance]),
            Command(arguments: ["cash", "close", "--period", "2026-05", "--district", "{D}"], allowed: [.finance]),
            Command(arguments: ["cash", "confirm", confirmations], allowed: [.finance]),
            Command(arguments: ["districts", "approval", "--district", "{D}", "on"], allowed: [.admin]),
            Command(arguments: ["districts", "fallback-day", "--district", "{D}", "off"], allowed: [.admin]),
            Command(arguments: ["districts", "account", "--district", "{D}", "--name", "Phòng LĐTBXH", "--account", "1234567890", "--bank", "970405"],
                    allowed: [.admin]),
            Command(arguments: ["jobs", "enqueue", "--kind", "noop", "--district", "{D}"], allowed: [.admin]),
            Command(arguments: ["jobs", "cancel", "999999"], allowed: [.admin]),
            Command(arguments: ["token", "create", "--role", "auditor", "--name", "Kiểm toán viên"], allowed: [.admin]),
            Command(arguments: ["token", "revoke", "999999"], allowed: [.admin]),
            Command(arguments: ["token", "list"], allowed: [.admin]),
            Command(arguments: ["status", "--district", "{D}"], allowed: everyone),
            Command(arguments: ["audit", "--district", "{D}"], allowed: everyone),
            Command(arguments: ["export", "disbursements", "--period", "2026-05", "--district", "{D}"], allowed: everyone),
            Command(arguments: ["cash", "list", "--period", "2026-05", "--district", "{D}", "--out", cashList], allowed: [.operator, .finance]),
            Command(arguments: ["lists", "--district", "{D}", "--kind", "cash", "--month", "2026-05", "--out", cashList], allowed: [.operator, .finance]),
            Command(arguments: ["status", "--district", "{D}", "--period", "2026-05", "--shards"], allowed: everyone),
            Command(arguments: ["report", "--period", "2026-05", "--district", "{D}"], allowed: everyone),
            Command(arguments: ["units", "list", "--province", "96", "--level", "province"], allowed: everyone),
            Command(arguments: ["units", "move", "--from", "{D}", "--period", "2025-07"], allowed: [.province, .admin]),
        ]
    }

    /// Each role's own district, and one it does not reach (none for those that reach them all).
    static let people: [(person: TestPerson, own: String, other: String?)] = [
        (TestPerson("Op Một", .operator, districts: ["31825"]), "31825", "31843"),
        (TestPerson("Fin Hai", .finance, districts: ["31825"]), "31825", "31843"),
        (TestPerson("Tỉnh Ba", .province, province: "96"), "31825", "00004"),
        (TestPerson("Kiểm Bốn", .auditor), "31825", nil),
        (TestPerson("Admin Năm", .admin), "31825", nil),
    ]

    enum Answer: Equatable, CustomStringConvertible {
        case allowed, notFound, forbidden, unauthenticated
        /// Exit 4 is "not found": another unit (the refusal names the caller's units), or, past
        /// access, nothing there (no run to approve), which is allowed.
        init(_ status: Int32, _ output: String) {
            switch status {
            case 4 where output.hasPrefix("Error: There is no payout unit "): self = .notFound
            case 5: self = .forbidden
            case 6: self = .unauthenticated
            default: self = .allowed
            }
        }
        var description: String {
            switch self {
            case .allowed: "allowed"
            case .notFound: "not found"
            case .forbidden: "forbidden"
            case .unauthenticated: "unauthenticated"
            }
        }
    }

    @Test("every role × every command × own and other district, and no, revoked and expired tokens, answer as specified")
    func matrix() async throws {
        // Alone: some 250 command-line processes, four at a time, load both cores for half a
        // minute; tests sharing the machine meanwhile (in-process workers with 30 s deadlines) were
        // starved past those deadlines on CI.
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "31825")
            file.add("M1")
            let register = try file.write()
            let confirmations = NSTemporaryDirectory() + "chitra-access-\(UUID().uuidString.prefix(8)).csv"
            try "end_to_end_id,beneficiary_id,amount_vnd,status,paid_on,received_by\n".write(toFile: confirmations, atomically: true, encoding: .utf8)
            defer {
                try? FileManager.default.removeItem(atPath: register)
                try? FileManager.default.removeItem(atPath: confirmations)
            }
            let cashList = NSTemporaryDirectory() + "chitra-access-list-\(UUID().uuidString.prefix(8)).csv"
            defer { try? FileManager.default.removeItem(atPath: cashList) }
            let commands = Self.commands(register: register, confirmations: confirmations, cashList: cashList)

            var cases: [(label: String, arguments: [String], person: TestPerson?, environment: [String: String], expected: Answer)] = []
            for (person, own, other) in Self.people {
                for command in commands {
                    let allowed = command.allowed.contains(person.role)
                    cases.append(("\(person.role) own", command.with(district: own), person, [:], allowed ? .allowed : .forbidden))
                    if command.takesDistrict, let other {
                        cases.append(("\(person.role) other", command.with(district: other), person, [:], .notFound))
                    }
                }
            }
            let revoked = try await TestTokens.shared.token(for: TestPerson("Đã Thu Hồi", .admin), url: url)
            let expired = try await TestTokens.shared.token(for: TestPerson("Hết Hạn", .admin), url: url)
            try await TestPostgres.withRunning(url) { database in
                let id = try await Tokens.authenticate(revoked, database: database).tokenID!
                _ = try await Tokens.revoke(id: id, by: .test("admin", role: .admin), database: database)
            }
            try await TestPostgres.withOwner(of: url) {
                try await $0.query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'Hết Hạn'", "expire a token")
            }
            for command in commands {
                let arguments = command.with(district: "31825")
                cases.append(("no token", arguments, nil, ["CHITRA_TOKEN": ""], .unauthenticated))
                cases.append(("revoked", arguments, nil, ["CHITRA_TOKEN": revoked], .unauthenticated))
                cases.append(("expired", arguments, nil, ["CHITRA_TOKEN": expired], .unauthenticated))
            }

            // Four at a time: each case is a process of its own.
            let results = try await withThrowingTaskGroup(of: (Int, Int32, String).self) { group in
                var results: [(Int, Int32, String)] = []
                var next = 0
                func start() {
                    guard next < cases.count else { return }
                    let index = next, item = cases[index]
                    next += 1
                    group.addTask {
                        let result = try await CommandLineTests.run(item.arguments, url: url, as: item.person ?? .admin,
                                                                    environment: item.environment)
                        return (index, result.status, result.output)
                    }
                }
                for _ in 0..<4 { start() }
                while let result = try await group.next() {
                    results.append(result)
                    start()
                }
                return results
            }
            #expect(results.count == cases.count)
            for (index, status, output) in results.sorted(by: { $0.0 < $1.0 }) {
                let item = cases[index]
                #expect(Answer(status, output) == item.expected,
                        "\(item.label): chitra \(item.arguments.joined(separator: " ")) → exit \(status): \(output)")
                switch item.expected {
                case .notFound: #expect(output.hasPrefix("Error: There is no payout unit "), "\(output)")
                case .forbidden: #expect(output.hasPrefix("Error: A token of role \(item.person!.role.rawValue) may not "), "\(output)")
                case .unauthenticated: #expect(output.hasPrefix("Error: ") && output.contains("token"), "\(output)")
                case .allowed: break
                }
            }
            // Every refusal left nothing behind: the audit log holds only what allowed commands did.
            try await TestPostgres.withRunning(url) { database in
                let entries = try await AuditLog.list(database: database)
                #expect(entries.allSatisfy { ["Op Một", "Fin Hai", "Admin Năm", "test owner", "admin"].contains($0.actor) },
                        "\(Set(entries.map(\.actor)))")
                #expect(entries.contains { $0.action == .importRegister && $0.actor == "Op Một" })
                #expect(!entries.contains { $0.actor == "Tỉnh Ba" || $0.actor == "Kiểm Bốn" })
            }
        }
    }
}
