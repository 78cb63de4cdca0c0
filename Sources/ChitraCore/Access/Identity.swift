/// The caller of an action, from their token: the person recorded on everything they do, the role
/// that says what they may do, and the districts they reach.
public struct Identity: Sendable, Hashable {
    /// The token's id; `nil` for Chitra itself.
    public let tokenID: Int64?
    /// The person (or system) the token was made for, as recorded on actions.
    public let name: String
    public let role: Role
    /// The districts this identity reaches (listed for a province, an auditor or an admin too).
    public let districts: [String]
    /// The token this identity was verified from, presented again to the database with every
    /// transaction (which checks it itself); nil for Chitra itself and for identities made in tests.
    public let credential: Credential?

    public init(tokenID: Int64?, name: String, role: Role, districts: [String], credential: Credential? = nil) {
        self.tokenID = tokenID
        self.name = name
        self.role = role
        self.districts = districts.sorted()
        self.credential = credential
    }

    /// Two identities are the same caller whatever credential they carry.
    public static func == (lhs: Identity, rhs: Identity) -> Bool {
        lhs.tokenID == rhs.tokenID && lhs.name == rhs.name && lhs.role == rhs.role && lhs.districts == rhs.districts
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(tokenID)
        hasher.combine(name)
        hasher.combine(role)
        hasher.combine(districts)
    }

    /// Chitra itself, acting in `districts` (e.g. a worker approving a run with approval off).
    public static func system(_ name: String, districts: [String]) -> Identity {
        Identity(tokenID: nil, name: name, role: .system, districts: districts)
    }

    /// The key maker–checker compares: the same person whatever the case or surrounding spaces of
    /// their name, whichever of their tokens they use.
    public var person: String { Self.person(name) }

    public static func person(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Whether this identity may see rows of no district (tokens, their audit).
    public var seesGlobal: Bool { role == .admin || role == .auditor }

    /// Whether this identity reaches every payout unit of the country (whatever its list says).
    public var seesEveryUnit: Bool { role == .admin || role == .auditor }
}
