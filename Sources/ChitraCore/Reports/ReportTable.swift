/// The monthly report as text for a terminal (`chitra report`, the default format).
public enum ReportTable {
    public static func render(_ report: ProvinceReport) -> String {
        var lines: [String] = []
        lines.append("Monthly report for \(report.period), made on \(report.madeOn); deadline \(ProvinceReport.deadline(of: report.period))"
            + " (\(deadlineWords(report.daysToDeadline))).")
        if report.notCompleted.isEmpty {
            lines.append("Every district's run is completed.")
        } else {
            lines.append("Not completed: \(report.notCompleted.map { code in describe(report.districts.first { $0.district == code }) }.joined(separator: ", ")).")
        }
        for district in report.districts + [report.total] {
            lines.append("")
            lines.append(contentsOf: section(district))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func deadlineWords(_ days: Int) -> String {
        switch days {
        case ..<0: "\(-days) days past"
        case 0: "today"
        case 1: "1 day left"
        default: "\(days) days left"
        }
    }

    static func describe(_ district: DistrictReport?) -> String {
        guard let district else { return "?" }
        return "\(district.district) (\(district.runState?.rawValue ?? "no run"))"
    }

    static func cell(_ value: CountAmount) -> String { "\(VietnameseNumber.grouped(value.count)) · \(Money(dong: value.amountVND))" }

    /// One district's (or the province's) lines.
    public static func section(_ d: DistrictReport) -> [String] {
        let title = d.district == "all" ? "\(d.districtName) (all districts)" : "\(d.district) \(d.districtName) — run \(d.runState?.rawValue ?? "not triggered")"
        var lines = [title + (d.frozen ? " (frozen)" : "")]
        let programs = d.byProgram.keys.sorted().map { "\($0) \(cell(d.byProgram[$0]!))" }.joined(separator: ", ")
        lines.append("  beneficiaries     \(VietnameseNumber.grouped(d.beneficiaries)) · \(Money(dong: d.entitledVND))" + (programs.isEmpty ? "" : " (\(programs))"))
        lines.append("  paid by bank      \(cell(d.paid.bank))")
        lines.append("  paid by wallet    \(cell(d.paid.wallet))")
        lines.append("  paid in cash      \(cell(d.paid.cash))")
        lines.append("  cash at home      \(cell(d.paid.cashHome))")
        lines.append("  non-cash share    \(VietnameseNumber.percent(d.nonCashShare)) of people paid, \(VietnameseNumber.percent(d.nonCashShareOfAmount)) of the amount")
        lines.append("  in flight         \(cell(d.inFlight))" + (d.awaitingApproval.count > 0 ? "; awaiting approval \(cell(d.awaitingApproval))" : ""))
        lines.append("  returned          \(cell(d.returned)); stopped \(cell(d.stopped)); fallbacks to cash \(d.fallbacks)")
        if !d.failuresByReason.isEmpty {
            lines.append("  failures          " + d.failuresByReason.keys.sorted().map { "\($0) \(d.failuresByReason[$0]!)" }.joined(separator: ", "))
        }
        if let previous = d.previous {
            let change = d.entitledVND - previous.entitledVND
            lines.append("  month before      \(VietnameseNumber.grouped(previous.beneficiaries)) · \(Money(dong: previous.entitledVND))"
                + " (change \(d.beneficiaries - previous.beneficiaries >= 0 ? "+" : "")\(d.beneficiaries - previous.beneficiaries) people,"
                + " \(change >= 0 ? "+" : "")\(Money(dong: change)))")
        }
        let a = d.accounts
        let n = VietnameseNumber.grouped
        lines.append("  accounts          of \(n(a.active)) active: with CCCD \(n(a.withCCCD)), with phone \(n(a.withPhone)),"
            + " with account or wallet \(n(a.withAccount)), can open one \(n(a.canOpen)), missing documents \(n(a.missingDocuments)),"
            + " authorised recipients \(n(a.authorisedRecipients)) (\(n(a.recipientsMissingDocuments)) missing documents)")
        return lines
    }
}
