import PostgresNIO

/// The districts (the tenants) and their settings: whether finance must approve a computed run.
public enum DistrictSettings {
    public struct District: Sendable, Hashable, Codable {
        public var code: String
        public var name: String
        public var approvalRequired: Bool
        /// The last month a run computed (an import's change without change_from applies after it).
        public var computedThrough: String?
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A district code no district has, with the codes there are.
        case unknownDistrict(String, known: [String])

        public var description: String {
            switch self {
            case .unknownDistrict(let code, let known):
                "District \(code) is not known (known: \(known.joined(separator: ", ")))."
            }
        }
    }

    /// Throws `unknownDistrict` for the first of `codes` that is not a district.
    public static func requireKnown(_ codes: [String], database: Database) async throws {
        guard !codes.isEmpty else { return }
        try check(codes, known: try await knownCodes(database.query(DistrictSQL.codes, "list districts")))
    }

    /// The same, inside a transaction.
    public static func requireKnown(_ codes: [String], on connection: PostgresConnection) async throws {
        try check(codes, known: try await knownCodes(connection.query(DistrictSQL.codes, logger: Database.quiet)))
    }

    private static func knownCodes(_ rows: PostgresRowSequence) async throws -> [String] {
        var known: [String] = []
        for try await code in rows.decode(String.self) { known.append(code) }
        return known
    }

    private static func check(_ codes: [String], known: [String]) throws {
        if let unknown = codes.first(where: { !known.contains($0) }) { throw Failure.unknownDistrict(unknown, known: known) }
    }

    public static func list(database: Database) async throws -> [District] {
        var districts: [District] = []
        let rows = try await database.query(DistrictSQL.list, "list districts")
        for try await (code, name, approval, computed) in rows.decode((String, String, Bool, String?).self) {
            districts.append(District(code: code, name: name, approvalRequired: approval, computedThrough: computed))
        }
        return districts
    }

    /// Turns approval on or off for runs that finish computing from now on.
    public static func setApprovalRequired(_ required: Bool, district: String, database: Database) async throws {
        try await requireKnown([district], database: database)
        try await database.query(DistrictSQL.setApprovalRequired(required, district: district), "change district \(district)")
    }
}
