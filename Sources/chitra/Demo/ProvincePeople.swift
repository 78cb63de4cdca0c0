import ChitraCore
import ChitraStore

/// The people of a self-contained command (the demo, a benchmark): an operator and a finance
/// officer for the province's payout units, and an admin, each with a real token made by the owner,
/// so that the same checks hold as for anyone (maker–checker included).
struct ProvincePeople: Sendable {
    let operatorIdentity: Identity
    let finance: Identity
    let admin: Identity
    /// A province reader's token (for load on the API).
    let readerToken: String
    /// The service credential of the command's own pools (every unit), made by the owner: the
    /// database shows the application's roles nothing without one.
    let service: Credential
    /// Its worker processes' (the queue, and the unit of each job they hold).
    let worker: Credential

    static func make(districts: [String], owner: Database) async throws -> ProvincePeople {
        let creator = Identity.system("owner", districts: [])
        func person(_ name: String, _ role: Role, _ districts: [String]) async throws -> Identity {
            try await Tokens.identity(TokenRequest(name: name, role: role, districts: districts, expiresInDays: 1), by: creator, database: owner).identity
        }
        let reader = try await Tokens.create(TokenRequest(name: "Sở Nội vụ Cà Mau (reader)", role: .province, province: CaMau.provinceCode,
                                                          expiresInDays: 1), by: creator, database: owner).secret
        return ProvincePeople(operatorIdentity: try await person("Lê Văn An (operator)", .operator, districts),
                              finance: try await person("Trần Thị Bình (finance)", .finance, districts),
                              admin: try await person("Chitra admin", .admin, []), readerToken: reader,
                              service: try await ServiceCredentials.create(name: "chitra", reach: .everyUnit, database: owner),
                              worker: try await ServiceCredentials.create(name: "chitra workers", reach: .jobs, database: owner))
    }

    /// What a process acting for these people sees: the units listed, or for a whole country (the
    /// national benchmark) every unit, which a connection's startup packet could not list.
    func scope(_ districts: [String]) -> Scope {
        districts.count > 500 ? .everyUnit(global: false, credential: service) : Scope(districts: districts, credential: service)
    }

    /// What a worker process of the command needs in its environment besides its URL.
    var workerEnvironment: [String: String] { [ServiceCredentials.environmentVariable: worker.secret] }
}
