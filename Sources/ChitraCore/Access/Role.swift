/// Who a token belongs to, as far as Chitra cares: what they may do (`Action`) and where.
/// The schema checks the values (`api_tokens.role`, `audit_log.actor_role`).
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    /// A district's operator: imports the register and triggers its runs.
    case `operator`
    /// A district's finance officer: approves runs, re-runs failed transfers, confirms cash.
    case finance
    /// The province: reads all districts of its province.
    case province
    /// Reads everything, changes nothing.
    case auditor
    /// Manages tokens and settings.
    case admin
    /// Chitra itself (a worker's last shard approving a run of a district with approval off).
    /// Never a token's role.
    case system

    /// The roles a token may have.
    public static let tokenRoles: [Role] = [.operator, .finance, .province, .auditor, .admin]

    /// Whether a token of this role names its districts (operator, finance), its province
    /// (province), or reaches every district (auditor, admin).
    public var reach: Reach {
        switch self {
        case .operator, .finance: .districts
        case .province: .province
        case .auditor, .admin, .system: .everything
        }
    }

    public enum Reach: Sendable { case districts, province, everything }
}
