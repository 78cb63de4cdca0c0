/// Why a caller is refused, as one sentence; the API maps each to its status (401, 403, 404).
public enum AccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No token given.
    case noToken
    /// A token Chitra does not know (or a malformed one).
    case unknownToken
    case expired(name: String)
    case revoked(name: String)
    /// A district the caller does not reach (or that does not exist): answered alike, naming the
    /// caller's own.
    case notFound(district: String, yours: [String])
    case forbidden(Action, Role)

    public init?(_ decision: Access.Decision) {
        switch decision {
        case .allowed: return nil
        case .notFound(let district, let yours): self = .notFound(district: district, yours: yours)
        case .forbidden(let action, let role): self = .forbidden(action, role)
        }
    }

    /// 401, 403 or 404.
    public var httpStatus: Int {
        switch self {
        case .noToken, .unknownToken, .expired, .revoked: 401
        case .forbidden: 403
        case .notFound: 404
        }
    }

    /// The most units a refusal lists (a province reaches a hundred, an admin thousands).
    public static let unitsListed = 20

    public var description: String {
        switch self {
        case .noToken:
            "No token: set CHITRA_TOKEN (or use --token-file) to a token made by `chitra token create`."
        case .unknownToken:
            "This token is not known to Chitra; ask an administrator for a token."
        case .expired(let name):
            "The token of \(name) has expired; ask an administrator for a new one."
        case .revoked(let name):
            "The token of \(name) was revoked; ask an administrator for a new one."
        case .notFound(let district, let yours):
            yours.isEmpty ? "There is no payout unit \(district): `chitra units list` lists the districts and communes."
                : "There is no payout unit \(district) among yours (" + (yours.count <= Self.unitsListed
                    ? yours.joined(separator: ", ") : "\(yours.count) units: `chitra districts` lists them") + ")."
        case .forbidden(let action, let role):
            "A token of role \(role.rawValue) may not \(action.phrase)."
        }
    }
}

extension Action {
    /// What the action does, to finish "may not …".
    public var phrase: String {
        switch self {
        case .read: "read this"
        case .importRegister: "import a register"
        case .triggerRun: "trigger a run"
        case .approveRun: "approve a run"
        case .cancelRun: "cancel a run"
        case .resumeRun: "resume a run"
        case .autoApprove: "skip approval (only an admin may)"
        case .forceRun: "force a run outside the months the policy allows (only an admin may)"
        case .retryTransfers: "re-run failed transfers"
        case .cashFallback: "send transfers to cash"
        case .cashList: "print the cash list"
        case .confirmCash: "confirm cash payments"
        case .closeCash: "close the cash of a month"
        case .importStatements: "take in a bank's statements"
        case .handleBreaks: "close a break in the statements' reconciliation"
        case .changeSettings: "change district settings (only an admin may)"
        case .manageTokens: "manage tokens (only an admin may)"
        case .manageJobs: "change jobs (only an admin may)"
        case .loadUnits: "load unit lists (only an admin may)"
        case .moveRegister: "move a register to the units that took it over (only the province or an admin may)"
        }
    }
}
