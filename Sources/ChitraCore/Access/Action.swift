/// What a caller asks to do. `Access` decides who may; every state-changing action is audited.
public enum Action: String, Sendable, Hashable, CaseIterable {
    /// Read runs, disbursements, reports, lists and the audit log of one's districts.
    case read
    case importRegister = "import"
    case triggerRun = "run.trigger"
    case approveRun = "run.approve"
    case cancelRun = "run.cancel"
    case resumeRun = "run.resume"
    /// Trigger with approval skipped (`--auto-approve`).
    case autoApprove = "run.auto_approve"
    /// Trigger a month the period rule refuses (before the policy tables, or more than one month
    /// ahead): `--force`, which would pay months in advance.
    case forceRun = "run.force"
    case retryTransfers = "transfers.retry"
    case cashFallback = "cash.fallback"
    case cashList = "cash.list"
    case confirmCash = "cash.confirm"
    case closeCash = "cash.close"
    /// Take in the bank's statements of a paying account (camt.053, MT940) and reconcile them.
    case importStatements = "statements.import"
    /// Close a break the statements raised, with a note.
    case handleBreaks = "breaks.handle"
    /// District settings: approval on/off, the paying account, the cash fallback day.
    case changeSettings = "settings.change"
    case manageTokens = "tokens.manage"
    /// Operational control of the job queue (enqueue, cancel, retry a job).
    case manageJobs = "jobs.manage"
    /// Load official unit lists into the unit catalogue.
    case loadUnits = "units.load"
    /// Move an abolished unit's register to the units that took it over, and assign who waits.
    case moveRegister = "register.move"

    /// Whether this action changes state (and is therefore audited).
    public var changesState: Bool { self != .read && self != .cashList }

    /// The roles allowed to do this, within their districts.
    public var roles: Set<Role> {
        switch self {
        case .read: [.operator, .finance, .province, .auditor, .admin]
        case .importRegister, .triggerRun: [.operator]
        case .approveRun, .retryTransfers, .cashFallback, .confirmCash, .closeCash, .importStatements, .handleBreaks: [.finance]
        case .cancelRun, .resumeRun: [.operator, .finance]
        case .cashList: [.operator, .finance]
        case .autoApprove, .forceRun, .changeSettings, .manageTokens, .manageJobs, .loadUnits: [.admin]
        case .moveRegister: [.province, .admin]
        }
    }
}
