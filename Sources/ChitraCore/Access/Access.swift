/// The one rule of who may do what where, as a pure function (the API's and the CLI's answers
/// come from it): another district's resource is not found (404), a forbidden action is refused
/// (403); a district is checked before the action, so that nobody learns what exists elsewhere.
public enum Access {
    public enum Decision: Sendable, Equatable {
        case allowed
        /// A district the caller does not reach: answered as if it did not exist.
        case notFound(district: String, yours: [String])
        /// The caller reaches the district, but their role may not do this.
        case forbidden(Action, Role)
    }

    /// Whether `identity` may do `action` in every one of `districts` (none: an action on no
    /// district, such as managing tokens).
    public static func decide(_ identity: Identity, _ action: Action, districts: [String]) -> Decision {
        for district in districts where !identity.districts.contains(district) {
            // Whoever reaches every unit is told only that the unit does not exist.
            return .notFound(district: district, yours: identity.seesEveryUnit ? [] : identity.districts)
        }
        guard action.roles.contains(identity.role) else { return .forbidden(action, identity.role) }
        return .allowed
    }
}
