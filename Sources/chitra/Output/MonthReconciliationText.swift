import ChitraCore
import ChitraStore

/// A unit's month against its paying account's statements, as `chitra statements report` prints
/// it in full and `chitra report` prints it for each unit of the province.
enum MonthReconciliationText {
    static func cell(_ value: CountAmount) -> String { "\(VietnameseNumber.grouped(value.count)) · \(Money(dong: value.amountVND))" }

    /// The full account, one figure a line.
    static func lines(_ month: MonthReconciliation) -> [String] {
        var lines = ["\(PayoutUnitCode.named(month.unit)), \(month.period), against the paying account's statements:",
                     "  paid by bank or wallet (accepted)      \(cell(month.paidByChitra))",
                     "  debited on the statements              \(cell(month.debited))",
                     "  settled (debited, not come back)       \(cell(month.settled))",
                     "  not yet debited                        \(cell(month.notYetDebited))"]
        for (reason, value) in month.returnsByReason.sorted(by: { $0.key < $1.key }) {
            lines.append("  came back after acceptance, \(reason)       \(cell(value))")
        }
        lines.append("  second debits \(cell(month.duplicates)), recovered \(cell(month.recovered))")
        lines.append("  breaks: \(openBreaks(month)), \(month.breaksClosed) closed")
        lines.append(month.lastStatementDay.map { "  last statement \($0), closing balance \(Money(dong: month.closingVND ?? 0))" } ?? "  no statement taken in yet")
        lines.append(month.balances ? "  debited − came back = settled, to the đồng." : "  debited − came back ≠ settled: debits still wait for the bank's answer, or a break is open.")
        lines.append("  " + month.closing)
        return lines
    }

    /// The province's section: two lines a unit.
    static func section(_ months: [MonthReconciliation]) -> [String] {
        guard !months.isEmpty else { return [] }
        var lines = ["", "Against the paying accounts' statements:"]
        for month in months {
            let returned = month.returnsByReason.values.reduce(.zero, +)
            let reasons = month.returnsByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(separator: ", ")
            lines.append("  \(PayoutUnitCode.named(month.unit)): paid by bank or wallet \(cell(month.paidByChitra)); debited \(Money(dong: month.debited.amountVND)); "
                + "settled \(Money(dong: month.settled.amountVND)); came back \(cell(returned))\(reasons.isEmpty ? "" : " (\(reasons))"); "
                + "second debits \(month.duplicates.count), recovered \(month.recovered.count); breaks \(openBreaks(month)), \(month.breaksClosed) closed; "
                + (month.lastStatementDay.map { "closing balance \(Money(dong: month.closingVND ?? 0)) on \($0)" } ?? "no statement yet"))
            lines.append("    " + (month.closed ? "closed on the statements." : month.closing))
        }
        return lines
    }

    private static func openBreaks(_ month: MonthReconciliation) -> String {
        let open = month.breaksOpen.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return open.isEmpty ? "none open" : open + " open"
    }
}
