import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The failed transfers of the month, beneficiary lookup (CCCD and accounts masked), and the
/// monthly report with its chart.
struct ConsoleLookupPages: Sendable {
    let console: Console

    /// The failed list's filter: the month, a unit the caller may read, and a reason code (and the query they came in).
    static func failedFilter(_ request: Request, caller: Console.Caller) throws
        -> (period: Period, query: [String: String], unit: String?, reason: String?) {
        let period = try Console.period(request, language: caller.language)
        let query = Console.query(request)
        var unit: String?
        if let asked = query["district"], !asked.isEmpty {
            let district = try Path.district(asked)
            if let refusal = AccessError(Access.decide(caller.identity, .read, districts: [district])) { throw refusal }
            unit = district
        }
        var reason: String?
        if let asked = query["reason"], !asked.isEmpty {
            guard ReasonTexts.isCode(asked) else { throw APIError.badRequest(ConsoleMessages.notAReasonCode(caller.language)) }
            reason = asked
        }
        return (period, query, unit, reason)
    }

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("failed") { request, _ in
            try await console.page(request, "GET /console/failed") { caller in
                let (period, query, unit, reason) = try Self.failedFilter(request, caller: caller)
                let language = caller.language
                let after = query["after"].flatMap { $0.isEmpty ? nil : $0 }
                let failed = try await FailedTransfers.read(period: period, unit: unit, reason: reason, after: after, database: caller.database)
                let table = SortableTable([
                    .init(key: "district", label: language.text("district")), .init(key: "beneficiary", label: language.text("beneficiary")),
                    .init(key: "name", label: language.text("name")),
                    .init(key: "amount", label: language.text("amount"), numeric: true), .init(key: "rail", label: language.text("method")),
                    .init(key: "reason", label: language.text("reason")),
                    .init(key: "attempts", label: language.text("attempts"), numeric: true), .init(key: "e2e", label: language.text("endToEnd")),
                ], query: query)
                let rows = table.sorted(failed.items) { item, key in
                    switch key {
                    case "beneficiary": .text(item.beneficiaryID)
                    case "name": .text(item.fullName)
                    case "amount": .number(item.amountVND)
                    case "rail": .text(item.rail + item.institution)
                    case "reason": .text(item.reason)
                    case "attempts": .number(Int64(item.attempts))
                    case "e2e": .text(item.endToEndID)
                    default: .text(item.unit + item.beneficiaryID)
                    }
                }
                var context = console.context(caller, language: language, title: "\(language.text("failedTitle")) \(ConsoleMessages.monthNumber(period, language))", request: request, period: period)
                context["columns"] = table.head(path: "/console/failed", query: query.filter { $0.key != "after" })
                context["reason"] = reason ?? ""
                context["district"] = unit ?? ""
                context["csvLink"] = ConsoleURL.link("/console/failed.csv", query.filter { ["period", "district", "reason"].contains($0.key) })
                context["totalCount"] = VietnameseNumber.grouped(failed.totals?.count ?? 0)
                context["totalAmount"] = Money(dong: failed.totals?.amountVND ?? 0).description
                if let next = failed.next { context["nextPage"] = ConsoleURL.link("/console/failed", query.merging(["after": next]) { $1 }) }
                // Finance acts on what the list shows of one unit: these failed transfers (of the reason shown, or all) retried or sent to cash.
                if let unit, (failed.totals?.count ?? 0) > 0 {
                    let verbs: [ConsoleRunPages.Verb] = [.retry, .fallback]
                    let allowed = verbs.filter { Access.decide(caller.identity, $0.action, districts: [unit]) == .allowed }
                    context["selection"] = allowed.isEmpty ? nil : [
                        "actions": allowed.map { verb -> [String: Any] in
                            var parameters: [String: String] = [:]
                            if let reason { parameters["reason"] = reason }
                            return ["link": ConsoleURL.link("/console/runs/\(unit)/\(period)/\(verb.rawValue)", parameters), "verb": verb.rawValue,
                                    "label": language.text("selection.\(verb.rawValue)")]
                        },
                    ] as [String: Any]
                }
                context["rows"] = rows.map { item -> [String: Any] in
                    let text = ReasonTexts.text(item.reason, language)
                    return ["district": item.unit, "beneficiary": item.beneficiaryID, "name": item.fullName,
                            "amount": Money(dong: item.amountVND).description,
                            "rail": language.text(item.rail) + (item.institution.isEmpty ? "" : " · \(item.institution)"),
                            "reason": item.reason, "reasonMeaning": item.reason.isEmpty ? "" : text.meaning, "reasonNext": text.nextStep,
                            "attempts": item.attempts, "endToEnd": item.endToEndID]
                }
                return try console.render("failed", context)
            }
        }
        group.get("failed.csv") { request, _ in
            try await console.page(request, "GET /console/failed.csv") { caller in
                let (period, _, unit, reason) = try Self.failedFilter(request, caller: caller)
                let language = caller.language
                // Every page, in unit and beneficiary order; cells a spreadsheet would take for a formula made text.
                var csv = CSVText.byteOrderMark + CSVText.line(["district", "beneficiary", "name", "amount", "method", "institution", "reason",
                                                                 "reasonMeaning", "attempts", "endToEnd"].map { language.text("csv." + $0) })
                var after: String?
                repeat {
                    let page = try await FailedTransfers.read(period: period, unit: unit, reason: reason, after: after, limit: 5_000,
                                                              totals: false, database: caller.database)
                    for item in page.items {
                        csv += CSVText.line([item.unit, item.beneficiaryID, item.fullName, String(item.amountVND), language.text(item.rail),
                                             item.institution, item.reason, item.reason.isEmpty ? "" : ReasonTexts.text(item.reason, language).meaning,
                                             String(item.attempts), item.endToEndID].map(CSVText.neutralised))
                    }
                    after = page.next
                } while after != nil
                return ConsoleResponse.download(csv, type: "text/csv; charset=utf-8",
                                                named: "chuyen-khoan-loi-\(period)\(unit.map { "-" + $0 } ?? "").csv")
            }
        }
        group.get("beneficiaries") { request, _ in
            try await console.page(request, "GET /console/beneficiaries") { caller in
                let language = caller.language
                let text = (request.uri.queryParameters.get("q").map { String($0) } ?? "").trimmingCharacters(in: .whitespaces)
                guard text.count <= 100 else { throw APIError.badRequest("A search is at most 100 characters.") }
                let people = text.isEmpty ? [] : try await BeneficiaryLookup.find(text, database: caller.database)
                var context = console.context(caller, language: language, title: language.text("beneficiaries"), request: request)
                context["query"] = text
                context["searched"] = !text.isEmpty
                context["people"] = people.map { person -> [String: Any] in
                    // A section shows for any value it is given, an empty text too: what is absent is left out.
                    var row: [String: Any] = [
                        "beneficiaryID": person.beneficiaryID, "district": person.district, "fullName": person.fullName,
                        "cccd": person.cccd ?? "—", "communeCode": person.communeCode, "communeName": person.communeName ?? person.communeCode,
                        "program": language.text("program." + person.program), "category": person.category,
                        "categoryLabel": ConsolePersonWords.category(person.category, program: person.program, language),
                        "paymentMethod": ConsolePersonWords.currentMethod(person, language),
                        "institutionName": ConsolePersonWords.institution(person.institution, method: person.paymentMethod),
                        "account": person.account ?? "—", "accountReview": person.accountReview,
                        "recipient": language.text("recipient." + person.recipient), "recipientName": person.recipientName ?? "",
                        "activeLabel": language.text(person.active ? "yes" : "no"), "hasPayments": !person.disbursements.isEmpty,
                        "payments": person.disbursements.prefix(12).map { payment -> [String: Any] in
                            var row: [String: Any] = [
                                "period": ConsoleMessages.month(payment.period, language), "amount": Money(dong: payment.amountVND).description,
                                "method": ConsolePersonWords.paidBy(payment, language),
                                "state": payment.state.rawValue, "stateLabel": language.state(payment.state.rawValue),
                                "lines": payment.lines.map { line in
                                    "\(language.text("line." + line.kind)) \(ConsoleMessages.month(line.month, language)): \(Money(dong: line.amountVND))"
                                }.joined(separator: "; "),
                            ]
                            if let reason = payment.failureReason, !reason.isEmpty {
                                row["reason"] = reason
                                row["reasonMeaning"] = ReasonTexts.text(reason, language).meaning
                            }
                            return row
                        },
                    ]
                    if let institution = person.institution, !institution.isEmpty { row["institution"] = institution }
                    if let warning = ConsolePersonWords.warning(person, language) { row["warning"] = warning }
                    return row
                }
                return try console.render("beneficiaries", context)
            }
        }
        group.get("report") { request, _ in
            try await console.page(request, "GET /console/report") { caller in
                let period = try Console.period(request, language: caller.language)
                let language = caller.language
                let report = try await MonthlyReports.make(period: period, database: caller.database)
                var context = console.context(caller, language: language, title: "\(language.text("reportTitle")) \(ConsoleMessages.monthNumber(period, language))", request: request, period: period)
                context.merge(ReportPage.body(report, language: language)) { mine, _ in mine }
                context["csvLink"] = ConsoleURL.link("/console/report.csv", ["period": period.description])
                context["printLink"] = ConsoleURL.link("/console/report.html", ["period": period.description])
                return try console.render("report", context)
            }
        }
        // The same report to keep: for Excel (CSV with a BOM, Vietnamese headers), and as one
        // printable page (A4 landscape, charts included) that the browser prints or saves as PDF.
        group.get("report.csv") { request, _ in
            try await console.page(request, "GET /console/report.csv") { caller in
                let period = try Console.period(request, language: caller.language)
                let report = try await MonthlyReports.make(period: period, database: caller.database)
                return ConsoleResponse.download(ReportCSV.render(report), type: "text/csv; charset=utf-8", named: "bao-cao-\(period).csv")
            }
        }
        group.get("report.html") { request, _ in
            try await console.page(request, "GET /console/report.html") { caller in
                let period = try Console.period(request, language: caller.language)
                let report = try await MonthlyReports.make(period: period, database: caller.database)
                return ConsoleResponse.html(try ReportPage.document(report, language: caller.language, templates: console.templates))
            }
        }
    }
}
