import ChitraCore
import ChitraStore

/// Control totals as operators read them: one entry per program, then per rail.
enum ControlTotalsText {
    static func lines(_ totals: RunApproval.ControlTotals) -> [String] {
        totals.byProgram.keys.sorted().map { "program \($0): \(totals.countByProgram[$0] ?? 0) · \(Money(dong: totals.byProgram[$0]!))" }
            + totals.byRail.keys.sorted().map { "rail \($0): \(totals.countByRail[$0] ?? 0) · \(Money(dong: totals.byRail[$0]!))" }
    }
}
