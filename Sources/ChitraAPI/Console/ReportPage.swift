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
        let deadlineWords = days >= 0 ? "\(days) \(t["daysLeft"]!)" : "\(-days) \(t["daysPast"]!)"
        let rows = report.districts.map { row($0, total: false, language: language) } + [row(report.total, total: true, language: language)]
        return [
            "t": t, "lang": language.rawValue, "madeOn": report.madeOn.description,
            "deadline": ProvinceReport.deadline(of: report.period).description, "deadlineWords": deadlineWords,
            "notCompleted": report.notCompleted.isEmpty ? false : report.notCompleted.joined(separator: ", "),
            "chart": chart(report.districts), "rows": rows,
        ]
    }

    /// A count over its amount (the amount left out when nothing is counted).
    static func cell(_ value: CountAmount) -> [String: Any] {
        ["count": VietnameseNumber.grouped(value.count), "amount": value.count == 0 ? "" : Money(dong: value.amountVND).description]
    }

    static func row(_ d: DistrictReport, total: Bool, language: ConsoleLanguage) -> [String: Any] {
        let failures = d.failuresByReason.keys.sorted().map { "\($0): \(d.failuresByReason[$0]!)" }.joined(separator: ", ")
        let a = d.accounts
        return [
            "isTotal": total, "district": d.district, "name": total ? language.text("wholeProvince") : d.districtName,
            "stateLabel": total ? "" : language.state(d.runState?.rawValue ?? "none"), "frozen": d.frozen && !total,
            "beneficiaries": VietnameseNumber.grouped(d.beneficiaries), "entitled": Money(dong: d.entitledVND).description,
            "bank": cell(d.paid.bank), "wallet": cell(d.paid.wallet), "cash": cell(d.paid.cash), "cashHome": cell(d.paid.cashHome),
            "share": VietnameseNumber.percent(d.nonCashShare), "inFlight": cell(d.inFlight + d.awaitingApproval),
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

    /// Horizontal bars, one per district: the share of people paid without cash (none paid yet: an empty bar and "—").
    static func chart(_ districts: [DistrictReport]) -> [String: Any] {
        let barHeight = 28, scale = 440.0
        let bars: [[String: Any]] = districts.enumerated().map { index, district in
            let width = Int(((district.nonCashShare ?? 0) * scale).rounded())
            let y = 10 + index * barHeight
            return ["y": y, "textY": y + 14, "width": width, "valueX": 220 + width + 6, "label": "\(district.district) \(district.districtName)",
                    "value": VietnameseNumber.percent(district.nonCashShare),
                    "colour": (district.nonCashShare ?? 0) >= 0.5 ? "#2d8a4e" : "#c77d12"]
        }
        return ["height": 20 + districts.count * barHeight, "bars": bars]
    }
}
