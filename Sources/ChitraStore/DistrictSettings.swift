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
        case unknownDistrict(String)

        public var description: String {
            switch self {
            case .unknownDistrict(let code): "District \(code) is not in the districts table."
            }
        }
    }

    public static func list(database: Database) async throws -> [District] {
        var districts: [District] = []
        let rows = try await database.query(
            "SELECT code, name, approval_required, to_char(computed_through, 'YYYY-MM') FROM districts ORDER BY code", "list districts")
        for try await (code, name, approval, computed) in rows.decode((String, String, Bool, String?).self) {
            districts.append(District(code: code, name: name, approvalRequired: approval, computedThrough: computed))
        }
        return districts
    }

    /// Turns approval on or off for runs that finish computing from now on.
    public static func setApprovalRequired(_ required: Bool, district: String, database: Database) async throws {
        let rows = try await database.query(
            "UPDATE districts SET approval_required = \(required) WHERE code = \(district) RETURNING code", "change district \(district)")
        for try await _ in rows.decode(String.self) { return }
        throw Failure.unknownDistrict(district)
    }
}
