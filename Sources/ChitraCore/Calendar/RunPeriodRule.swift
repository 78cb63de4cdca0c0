import Foundation

/// Which months a run may be triggered for: none before the policy tables begin (nothing can be
/// computed there), none more than one month after the current one (a typo such as 2099-12 for
/// 2026-12 would pay months that have not happened). `force` lets the rare legitimate case through;
/// the run records that it was forced.
public struct RunPeriodRule: Sendable {
    /// The first month the policy tables can compute.
    public var earliest: Period
    /// The current month, in Vietnam.
    public var current: Period

    public init(earliest: Period, current: Period) {
        self.earliest = earliest
        self.current = current
    }

    /// The rule of `policy`, today.
    public init(policy: PolicyTable, now: Date = Date()) {
        let firsts = policy.baseLevels.values.compactMap { $0.first?.from }
        self.init(earliest: firsts.min() ?? Period(year: 1, month: 1)!, current: VietnamTime.today(now).period)
    }

    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case beforePolicy(Period, earliest: Period)
        case tooFarAhead(Period, current: Period)

        public var description: String {
            switch self {
            case .beforePolicy(let period, let earliest):
                "\(period) is before the policy tables begin (\(earliest)): no run can compute it. Check the period; --force runs it anyway."
            case .tooFarAhead(let period, let current):
                "\(period) is more than one month after the current month (\(current)): a run would pay months that have not happened. Check the period; --force runs it anyway."
            }
        }
    }

    /// Whether `period` is outside the usual bounds (a run of it must be forced).
    public func needsForce(_ period: Period) -> Bool { period < earliest || period > current.next }

    /// Throws the refusal for `period`, unless `force`.
    public func check(_ period: Period, force: Bool) throws(Refusal) {
        guard !force else { return }
        if period < earliest { throw .beforePolicy(period, earliest: earliest) }
        if period > current.next { throw .tooFarAhead(period, current: current) }
    }
}
