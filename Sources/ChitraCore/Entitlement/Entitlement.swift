/// What kind of money a line is.
public enum LineKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The allowance of the run's own month.
    case regular
    /// An eligible month before the run's, owed more than was paid (truy lĩnh).
    case arrear
    /// A month paid more than it was owed (truy thu): a negative line.
    case recovery
    /// Mai táng phí, once after death.
    case funeral
}

/// One line of a run for one beneficiary, keyed by (beneficiary, run period, month, kind).
public struct EntitlementLine: Sendable, Hashable, Codable {
    public var month: Period
    public var kind: LineKind
    /// Negative for a recovery.
    public var amount: Money

    public init(month: Period, kind: LineKind, amount: Money) {
        self.month = month
        self.kind = kind
        self.amount = amount
    }
}

/// One version of a beneficiary's register entry: what applies from `validFrom` on. For a
/// month, the version in force is the one imported last (highest `sequence`) among those valid
/// from that month or earlier: a later import correcting "from May" overrides an earlier one
/// "from June".
public struct RegisterVersion: Sendable, Hashable, Codable {
    public var sequence: Int
    public var validFrom: Period
    public var program: Program
    public var category: String

    public init(sequence: Int, validFrom: Period, program: Program, category: String) {
        self.sequence = sequence
        self.validFrom = validFrom
        self.program = program
        self.category = category
    }

    /// The version in force in `month` among `versions`; the earliest one before any applies.
    public static func inForce(at month: Period, among versions: [RegisterVersion]) -> RegisterVersion? {
        versions.filter { $0.validFrom <= month }.max { $0.sequence < $1.sequence }
            ?? versions.min { ($0.validFrom, $0.sequence) < ($1.validFrom, $1.sequence) }
    }
}

/// The facts about a person that bound every month, whatever version is in force.
public struct BeneficiaryFacts: Sendable, Hashable, Codable {
    public var eligibleFrom: Period
    public var eligibleUntil: Period?
    public var deceasedOn: Day?
    /// Months up to and including this were paid before Chitra: settled, never recomputed.
    public var paidThrough: Period?

    public init(eligibleFrom: Period, eligibleUntil: Period? = nil, deceasedOn: Day? = nil, paidThrough: Period? = nil) {
        self.eligibleFrom = eligibleFrom
        self.eligibleUntil = eligibleUntil
        self.deceasedOn = deceasedOn
        self.paidThrough = paidThrough
    }

    /// The last month of entitlement: the earlier of `eligibleUntil` and the month of death.
    public var lastMonth: Period? {
        switch (eligibleUntil, deceasedOn?.period) {
        case let (until?, death?): min(until, death)
        case let (until?, nil): until
        case let (nil, death?): death
        case (nil, nil): nil
        }
    }

    public func isEligible(in month: Period) -> Bool {
        month >= eligibleFrom && lastMonth.map { month <= $0 } ?? true
    }
}

/// What other runs already did for a beneficiary: the net paid per month (lines of disbursements
/// that were not returned), whether the funeral allowance was paid, and the recovery still pending.
public struct PaymentHistory: Sendable, Hashable, Codable {
    public var paid: [Period: Money]
    public var funeralPaid: Bool
    public var pendingRecovery: Money

    public init(paid: [Period: Money] = [:], funeralPaid: Bool = false, pendingRecovery: Money = .zero) {
        self.paid = paid
        self.funeralPaid = funeralPaid
        self.pendingRecovery = pendingRecovery
    }
}

/// The result for one beneficiary in one run.
public struct Entitlement: Sendable, Hashable, Codable {
    public var lines: [EntitlementLine]
    /// Σ lines less the pending recovery, never below zero.
    public var disbursement: Money
    /// What could not be recovered, carried to the next run.
    public var pendingRecovery: Money

    /// The month is one regular line of `period` itself, of exactly the disbursement's amount (most
    /// people, most months): the disbursement says all the line says, and implies it.
    public func isOneRegularLine(of period: Period) -> Bool {
        lines.count == 1 && lines[0].kind == .regular && lines[0].month == period && lines[0].amount == disbursement
    }
}
