import ChitraCore
import ChitraStore

/// The people of a self-contained command (the demo, a benchmark): an operator and a finance
/// officer for the province's districts, and an admin, each with a real token made by the owner,
/// so that the same checks hold as for anyone (maker–checker included).
struct ProvincePeople: Sendable {
    let operatorIdentity: Identity
    let finance: Identity
    let admin: Identity

    static func make(districts: [String], owner: Database) async throws -> ProvincePeople {
        let creator = Identity.system("owner", districts: [])
        func person(_ name: String, _ role: Role, _ districts: [String]) async throws -> Identity {
            try await Tokens.identity(TokenRequest(name: name, role: role, districts: districts, expiresInDays: 1), by: creator, database: owner).identity
        }
        return ProvincePeople(operatorIdentity: try await person("Lê Văn An (operator)", .operator, districts),
                              finance: try await person("Trần Thị Bình (finance)", .finance, districts),
                              admin: try await person("Chitra admin", .admin, []))
    }

    /// What a process acting for these people sees.
    static func scope(_ districts: [String]) -> Scope {
        Scope(districts: districts)
    }
}
