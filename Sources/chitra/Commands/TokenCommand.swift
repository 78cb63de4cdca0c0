import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra token create|list|revoke`: who may use Chitra (an admin's commands).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke the tokens people use Chitra with.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print it once (only its SHA-256 is kept).")

        @OptionGroup var server: ServerOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "operator, finance, province, auditor or admin.") var role: String
        @Option(name: [.customLong("unit"), .customLong("district")], help: "A payout unit the token reaches (operator, finance); repeat for several.") var district: [String] = []
        @Option(help: "The province a province token reads (2 digits, e.g. 95).") var province: String?
        @Option(help: "The person it is for (recorded on everything they do).") var name: String
        @Option(help: "Days until it expires (1 to 3650).") var expires: Int = 90
        @Option(help: "Write the token to this file (mode 0600) instead of printing it.") var out: String?
        @Flag(help: "Connect as the owner of the tables (CHITRA_OWNER_DATABASE_URL) to make the first admin token.") var asOwner = false

        func run() async throws {
            guard let role = Role(rawValue: role), Role.tokenRoles.contains(role) else {
                throw ValidationError("--role must be one of \(Role.tokenRoles.map(\.rawValue).joined(separator: ", ")).")
            }
            let request = TokenRequest(name: name, role: role, districts: district, province: province, expiresInDays: expires)
            let (secret, record): (String, TokenRecord)
            if asOwner {
                (secret, record) = try await database.withOwnerDatabase { database in
                    try await Tokens.create(request, by: .system("owner", districts: []), database: database)
                }
            } else {
                let body = TokenRoutes.Create(name: name, role: role.rawValue, units: district.isEmpty ? nil : district, province: province,
                                              expiresInDays: expires)
                let created = try await ClientFailure.exiting {
                    try await server.client().post("/tokens", json: body, as: TokenRoutes.Created.self)
                }
                (secret, record) = (created.token, created.record)
            }
            let expiry = record.expiresAt.map { " until " + VietnamTime.timestamp($0) } ?? ""
            if let out {
                try PrivateFile.write(secret + "\n", to: out)
                print("Token \(record.id) for \(record.name) (\(record.role.rawValue), \(record.reach))\(expiry) written to \(out).")
            } else {
                print("Token \(record.id) for \(record.name) (\(record.role.rawValue), \(record.reach))\(expiry). It is shown this once:")
                print(secret)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The tokens (never their secrets).")
        @OptionGroup var server: ServerOptions
        @Flag(help: "Revoked tokens too.") var all = false

        func run() async throws {
            let tokens = try await ClientFailure.exiting {
                try await server.client().get("/tokens", as: [TokenRecord].self)
            }.filter { all || $0.revokedAt == nil }
            var table = TextTable("ID", "NAME", "ROLE", "REACH", "CREATED", "EXPIRES", "STATE")
            for token in tokens {
                let state = token.revokedAt != nil ? "revoked by \(token.revokedBy ?? "?")" : (token.isActive ? "active" : "expired")
                table.add(String(token.id), token.name, token.role.rawValue, token.reach, VietnamTime.timestamp(token.createdAt),
                          token.expiresAt.map(VietnamTime.timestamp) ?? "never", state)
            }
            print(tokens.isEmpty ? "No tokens." : table.rendered)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The token's id (chitra token list).") var id: Int64

        func run() async throws {
            let record = try await ClientFailure.exiting {
                try await server.client().delete("/tokens/\(id)", as: TokenRecord.self)
            }
            print("Token \(record.id) of \(record.name) is revoked.")
        }
    }
}
