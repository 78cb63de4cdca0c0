/// Computes what a beneficiary is owed in a run, by the one rule of `shared/policy/README.md`:
/// for every month up to the run's that is eligible or was paid, owed − paid; plus the funeral
/// allowance once; recoveries netted, never below zero, the rest carried forward.
public struct EntitlementCalculator: Sendable {
    public let policy: PolicyTable

    public init(policy: PolicyTable) {
        self.policy = policy
    }

    /// The lines and disbursement of run `period` for a beneficiary with register `versions`
    /// (any order), `facts`, and what other runs paid (`history`).
    public func compute(period: Period, facts: BeneficiaryFacts, versions: [RegisterVersion],
                        history: PaymentHistory) throws(PolicyError) -> Entitlement {
        guard let first = versions.first else {
            return Entitlement(lines: [], disbursement: .zero, pendingRecovery: history.pendingRecovery)
        }
        func version(at month: Period) -> RegisterVersion {
            RegisterVersion.inForce(at: month, among: versions) ?? first
        }

        var lines: [EntitlementLine] = []
        let earliestPaid = history.paid.keys.min()
        var month = min(facts.eligibleFrom, earliestPaid ?? facts.eligibleFrom)
        while month <= period {
            defer { month = month.next }
            if let settled = facts.paidThrough, month <= settled { continue }
            let owed = facts.isEligible(in: month)
                ? try policy.monthlyAmount(program: version(at: month).program, category: version(at: month).category, period: month)
                : .zero
            let difference = owed - (history.paid[month] ?? .zero)
            guard difference != .zero else { continue }
            let kind: LineKind = difference.isNegative ? .recovery : (month == period ? .regular : .arrear)
            lines.append(EntitlementLine(month: month, kind: kind, amount: difference))
        }

        if let death = facts.deceasedOn?.period, death <= period, !history.funeralPaid {
            let program = version(at: death).program
            lines.append(EntitlementLine(month: death, kind: .funeral,
                                         amount: try policy.funeralAllowance(program, for: death)))
        }

        let total = lines.map(\.amount).sum() - history.pendingRecovery
        return Entitlement(lines: lines, disbursement: max(total, .zero), pendingRecovery: max(-total, .zero))
    }
}
