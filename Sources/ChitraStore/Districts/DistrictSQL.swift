import PostgresNIO

/// The statements on `districts`, the tenants.
enum DistrictSQL {
    static let codes: PostgresQuery = "SELECT code FROM districts ORDER BY code"

    static let list: PostgresQuery =
        "SELECT code, name, approval_required, to_char(computed_through, 'YYYY-MM') FROM districts ORDER BY code"

    static func setApprovalRequired(_ required: Bool, district: String) -> PostgresQuery {
        "UPDATE districts SET approval_required = \(required) WHERE code = \(district)"
    }
}
