import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The failed transfers of the month, beneficiary lookup (CCCD and accounts masked), and the
/// monthly report with its chart.
struct ConsoleLookupPages: Sendable {
    let console: Console

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("failed") { request, _ in
            try await console.page(request, "GET /console/failed") { caller in
                let period = try Console.period(request, language: caller.language)
                let query = Console.query(request)
                let language = caller.language
                var codes = try await DistrictSettings.list(database: caller.database).map(\.code)
                if let asked = query["district"], !asked.isEmpty {
                    let district = try Path.district(asked)
                    if let refusal = AccessError(Access.decide(caller.identity, .read, districts: [district])) { throw refusal }
                    codes = [district]
                }
                var reason: String?
                if let asked = query["reason"], !asked.isEmpty {
                    guard ReasonTexts.isCode(asked) else { throw APIError.badRequest(ConsoleMessages.notAReasonCode(language)) }
                    reason = asked
                }
                var items: [(district: String, item: DisbursementPage.Item)] = []
                for code in codes {
                    let page = try await DisbursementPage.read(district: code, period: period, .init(state: .failed, reason: reason, limit: DisbursementPage.largestPage),
                                                               database: caller.database)
                    items += page.items.map { (code, $0) }
                }
                let table = SortableTable([
                    .init(key: "district", label: language.text("district")), .init(key: "beneficiary", label: language.text("beneficiary")),
                    .init(key: "amount", label: language.text("amount"), numeric: true), .init(key: "reason", label: language.text("reason")),
                    .init(key: "attempts", label: language.text("attempts"), numeric: true), .init(key: "e2e", label: language.text("endToEnd")),
                ], query: query)
                let rows = table.sorted(items) { row, key in
                    switch key {
                    case "beneficiary": .text(row.item.beneficiaryID)
                    case "amount": .number(row.item.amountVND)
                    case "reason": .text(row.item.failureReason ?? "")
                    case "attempts": .number(Int64(row.item.attempts))
                    case "e2e": .text(row.item.endToEndID)
                    default: .text(row.district + row.item.beneficiaryID)
                    }
                }
                var context = console.context(caller, language: language, title: "\(language.text("failedTitle")) \(ConsoleMessages.monthNumber(period, language))", request: request, period: period)
                context["columns"] = table.head(path: "/console/failed", query: query)
                context["reason"] = reason ?? ""
                context["rows"] = rows.map { row -> [String: Any] in
                    var cells: [String: Any] = [
                        "district": row.district, "beneficiary": row.item.beneficiaryID, "amount": Money(dong: row.item.amountVND).description,
                        "reason": row.item.failureReason ?? "", "attempts": row.item.attempts, "endToEnd": row.item.endToEndID,
                    ]
                    if let code = row.item.failureReason {
                        let text = ReasonTexts.text(code, language)
                        cells["reasonMeaning"] = text.meaning
                        cells["reasonNext"] = text.nextStep
                    }
                    return cells
                }
                return try console.render("failed", context)
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
                    [
                        "beneficiaryID": person.beneficiaryID, "district": person.district, "fullName": person.fullName,
                        "cccd": person.cccd ?? "—", "communeCode": person.communeCode, "program": person.program, "category": person.category,
                        "paymentMethod": person.paymentMethod, "institution": person.institution ?? "", "account": person.account ?? "—",
                        "accountReview": person.accountReview, "recipient": person.recipient, "recipientName": person.recipientName ?? "",
                        "activeLabel": language.text(person.active ? "yes" : "no"), "hasPayments": !person.disbursements.isEmpty,
                        "payments": person.disbursements.prefix(12).map { payment -> [String: Any] in
                            ["period": payment.period, "amount": Money(dong: payment.amountVND).description, "method": payment.method,
                             "state": payment.state.rawValue, "stateLabel": language.state(payment.state.rawValue), "reason": payment.failureReason ?? "",
                             "reasonMeaning": payment.failureReason.map { ReasonTexts.text($0, language).meaning } ?? ""]
                        },
                    ]
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
                return try console.render("report", context)
            }
        }
    }
}
