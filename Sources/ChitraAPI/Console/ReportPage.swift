import ChitraCore

/// The monthly report as HTML: the console's report page and `chitra report --format html` share
/// its body (`report-body.mustache`): the deadline, an SVG chart of the non-cash share by
/// district, the payment results and the account-information progress.
public enum ReportPage {
    /// A standalone page, printable on A4.
    public static func document(_ report: ProvinceReport, language: ConsoleLanguage = .vi, templates: ConsoleTemplates) throws -> String {
        var context = body(report, language: language)
        context["title"] = "\(language.text("reportTitle")) \(ConsoleMessages.monthNumber(report.period, language))"
        return try templates.render("report-document", context)
    }

    /// What `report-body` shows.
    static func body(_ report: ProvinceReport, language: ConsoleLanguage) -> [String: Any] {
        let t = language.texts
        let days = report.daysToDeadline
        let rows = report.districts.map { row($0, finished: finished($0), total: false, language: language) }
            + [row(report.total, finished: report.notCompleted.isEmpty, total: true, language: language)]
        var body: [String: Any] = [
            "t": t, "lang": language.rawValue, "madeOn": report.madeOn.description,
            "deadline": ProvinceReport.deadline(of: report.period).description,
            "notCompleted": report.notCompleted.isEmpty ? false : report.notCompleted.joined(separator: ", "),
            "chart": chart(report.districts, language: language), "rows": rows,
        ]
        // Days left or past count only while a unit's month is still open.
        if !report.notCompleted.isEmpty {
            body["deadlineWords"] = days >= 0 ? "\(days) \(t["daysLeft"]!)" : "\(-days) \(t["daysPast"]!)"
        }
        return body
    }

    /// A unit's month is finished when its run completed: until then its share counts only what is
    /// settled so far, and says so.
    static func finished(_ unit: DistrictReport) -> Bool { unit.runState == .completed }

    /// The share of people paid without cash among those paid so far; "(chưa xong)" while the month is open.
    static func share(_ unit: DistrictReport, finished: Bool, language: ConsoleLanguage) -> String {
        let share = VietnameseNumber.percent(unit.nonCashShare)
        return finished || unit.nonCashShare == nil ? share : "\(share) (\(language.text("notFinished")))"
    }

    /// A count over its amount (the amount left out when nothing is counted).
    static func cell(_ value: CountAmount) -> [String: Any] {
        ["count": VietnameseNumber.grouped(value.count), "amount": value.count == 0 ? "" : Money(dong: value.amountVND).description]
    }

    static func row(_ d: DistrictReport, finished: Bool, total: Bool, language: ConsoleLanguage) -> [String: Any] {
        let failures = d.failuresByReason.keys.sorted().map { "\($0): \(d.failuresByReason[$0]!)" }.joined(separator: ", ")
        let a = d.accounts
        return [
            "isTotal": total, "district": d.district, "name": total ? language.text("wholeProvince") : d.districtName,
            "stateLabel": total ? "" : language.state(d.runState?.rawValue ?? "none"), "frozen": d.frozen && !total,
            "beneficiaries": VietnameseNumber.grouped(d.beneficiaries), "entitled": Money(dong: d.entitledVND).description,
            "bank": cell(d.paid.bank), "wallet": cell(d.paid.wallet), "cash": cell(d.paid.cash), "cashHome": cell(d.paid.cashHome),
            "share": share(d, finished: finished, language: language), "inFlight": cell(d.inFlight + d.awaitingApproval),
            "returned": cell(d.returned), "stopped": cell(d.stopped), "fallbacks": VietnameseNumber.grouped(d.fallbacks), "failures": failures,
            "accounts": [
                "active": VietnameseNumber.grouped(a.active), "withCCCD": VietnameseNumber.grouped(a.withCCCD),
                "withPhone": VietnameseNumber.grouped(a.withPhone), "withAccount": VietnameseNumber.grouped(a.withAccount),
                "canOpen": VietnameseNumber.grouped(a.canOpen), "missingDocuments": VietnameseNumber.grouped(a.missingDocuments),
                "authorised": VietnameseNumber.grouped(a.authorisedRecipients),
                "recipientsMissing": VietnameseNumber.grouped(a.recipientsMissingDocuments),
            ] as [String: Any],
        ]
    }

    /// The share at and above which a unit's bar is green (below it, amber).
    static let shareThreshold = 0.5

    /// Horizontal bars, one per unit, on a 0–100 % scale with the threshold marked: the share of people
    /// paid without cash (none paid yet: an empty bar and "—"); grey, and said to be unfinished, while
    /// the unit's month is open (its cash not yet confirmed would otherwise show as 100 %).
    static func chart(_ districts: [DistrictReport], language: ConsoleLanguage) -> [String: Any] {
        let barHeight = 28, scale = 440.0, left = 220, top = 24
        let bars: [[String: Any]] = districts.enumerated().map { index, district in
            let share = district.nonCashShare ?? 0
            let width = Int((share * scale).rounded())
            let y = top + index * barHeight
            let colour = !finished(district) ? "#8a8f98" : share >= shareThreshold ? "#2d8a4e" : "#c77d12"
            return ["y": y, "textY": y + 14, "width": width, "valueX": left + width + 6, "label": "\(district.district) \(district.districtName)",
                    "value": Self.share(district, finished: finished(district), language: language), "colour": colour]
        }
        let height = top + 10 + districts.count * barHeight
        let ticks: [[String: Any]] = stride(from: 0, through: 100, by: 25).map { percent in
            ["x": left + Int(Double(percent) / 100 * scale), "label": "\(percent) %"]
        }
        let threshold = left + Int(shareThreshold * scale)
        return ["height": height, "bars": bars, "ticks": ticks, "axisBottom": height - 4, "thresholdX": threshold,
                "thresholdLabel": "\(language.text("threshold")) \(Int(shareThreshold * 100)) %"]
    }
}
