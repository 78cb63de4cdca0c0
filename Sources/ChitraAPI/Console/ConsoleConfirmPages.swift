import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Before money moves, the console shows what will move and asks: approving a run shows its count
/// and amount, split by rail and programme, who triggered it and when, and the change from the
/// month before; retrying failed transfers shows them by rail and reason. The confirming form
/// carries what was shown, and the action refuses if the run changed since (nothing moves).
struct ConsoleConfirmPages: Sendable {
    let console: Console

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("runs/:unit/:period/:verb") { request, context in
            try await console.page(request, "GET /console/runs/{unit}/{period}/{verb}") { caller in
                let (district, period) = try Path.target(context)
                guard let verb = ConsoleRunPages.Verb(rawValue: context.parameters.get("verb") ?? ""), verb.needsConfirmation else {
                    throw ConsoleProblem.noSuchPage
                }
                if let refusal = AccessError(Access.decide(caller.identity, verb.action, districts: [district])) { throw refusal }
                let language = caller.language
                var page = console.context(caller, language: language, title: "\(language.text("confirm.\(verb.rawValue)")) · \(district) · "
                                           + ConsoleMessages.month(period, language), request: request, period: period)
                page["district"] = district
                page["verb"] = verb.rawValue
                page["button"] = language.text("confirm.\(verb.rawValue).button")
                switch verb {
                case .approve: try await approval(district: district, period: period, language: language, caller: caller, into: &page)
                case .retry, .fallback:
                    let reason = try Self.reason(request.uri.queryParameters.get("reason").map { String($0) }, language)
                    try await failed(verb, scope: FinanceScope(district: district, period: period, reason: reason), language: language,
                                     caller: caller, into: &page)
                case .closeCash: try await closing(district: district, period: period, language: language, caller: caller, into: &page)
                case .resume, .cancel: break
                }
                return try console.render("confirm", page)
            }
        }
    }

    private func approval(district: String, period: Period, language: ConsoleLanguage, caller: Console.Caller,
                          into page: inout [String: Any]) async throws {
        guard let preview = try await RunApprovalPreview.read(district: district, period: period, database: caller.database) else {
            throw RunApproval.Failure.noRun(district: district, period: period.description)
        }
        guard preview.state == .computed else {
            throw RunApproval.Failure.notComputed(district: district, period: period.description, state: preview.state.rawValue)
        }
        let totals = preview.totals
        page["rows"] = totals.countByRail.keys.sorted().map { rail in
            row(language.text(rail), count: totals.countByRail[rail] ?? 0, amount: totals.byRail[rail] ?? 0)
        } + totals.countByProgram.keys.sorted().map { program in
            row(language.text("program." + program), count: totals.countByProgram[program] ?? 0, amount: totals.byProgram[program] ?? 0)
        }
        page["totalCount"] = VietnameseNumber.grouped(totals.count)
        page["totalAmount"] = Money(dong: totals.totalVND).description
        var notes = [language == .vi
            ? "Người khởi chạy: \(preview.triggeredBy), lúc \(ConsoleMessages.moment(preview.triggeredAt, language))."
            : "Triggered by \(preview.triggeredBy) at \(ConsoleMessages.moment(preview.triggeredAt, language))."]
        if let before = preview.previous {
            let change = totals.totalVND - before.totalVND
            let sign = change > 0 ? "+" : (change < 0 ? "−" : "±")
            notes.append(language == .vi
                ? "Tháng trước (\(ConsoleMessages.monthNumber(period.previous, language))): \(VietnameseNumber.grouped(before.count)) khoản chi, "
                    + "\(Money(dong: before.totalVND)); chênh lệch \(sign)\(Money(dong: abs(change)))."
                : "The month before (\(period.previous)): \(before.count) disbursements, \(Money(dong: before.totalVND)); "
                    + "change \(sign)\(Money(dong: abs(change))).")
        } else {
            notes.append(language == .vi ? "Đơn vị không có đợt chi tháng trước để so sánh." : "The unit has no run the month before to compare with.")
        }
        page["notes"] = notes
        page["fields"] = [["name": "count", "value": String(totals.count)], ["name": "amount", "value": String(totals.totalVND)]]
    }

    /// The failed transfers to retry, or to send to cash, by rail and reason.
    private func failed(_ verb: ConsoleRunPages.Verb, scope: FinanceScope, language: ConsoleLanguage, caller: Console.Caller,
                        into page: inout [String: Any]) async throws {
        let preview = try await scope.preview(database: caller.database)
        page["rows"] = preview.groups.map { group in
            row("\(language.text(group.rail.rawValue)) · \(ReasonTexts.text(group.reason, language).meaning) (\(group.reason))",
                count: group.count, amount: group.amount.dong)
        }
        page["totalCount"] = VietnameseNumber.grouped(preview.count)
        page["totalAmount"] = preview.amount.description
        switch (verb, language) {
        case (.fallback, .vi):
            page["notes"] = ["Các khoản bị từ chối được đưa vào danh sách chi tiền mặt của bưu điện và không được chuyển khoản lại; "
                + "không khoản nào đã chi, đang chờ hoặc chưa rõ kết quả được chuyển."]
        case (.fallback, .en):
            page["notes"] = ["The rejected transfers go on the post office's cash list and are not sent to the bank again; none paid, "
                + "pending or of unknown outcome moves."]
        case (_, .vi):
            page["notes"] = ["Chỉ các khoản bị từ chối được gửi lại, với mã giao dịch cũ; không khoản nào đã chi, đang chờ hoặc chưa rõ kết quả được gửi lại."]
        case (_, .en):
            page["notes"] = ["Only the rejected transfers are sent again, with their EndToEndIds; none paid, pending or of unknown outcome is sent again."]
        }
        var fields = [["name": "count", "value": String(preview.count)]]
        if let reason = scope.reason {
            fields.append(["name": "reason", "value": reason])
            page["notes"] = ((page["notes"] as? [String]) ?? []) + [language == .vi
                ? "Chỉ các khoản lỗi vì “\(ReasonTexts.text(reason, language).meaning)” (\(reason))."
                : "Only the transfers failed for “\(ReasonTexts.text(reason, language).meaning)” (\(reason))."]
        }
        page["fields"] = fields
    }

    /// A reason code narrowing the failed transfers (from the failed list's filter), or none.
    static func reason(_ text: String?, _ language: ConsoleLanguage) throws -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard ReasonTexts.isCode(text) else { throw APIError.badRequest(ConsoleMessages.notAReasonCode(language)) }
        return text
    }

    /// The month's cash still awaiting the post office's confirmation: what closing returns.
    private func closing(district: String, period: Period, language: ConsoleLanguage, caller: Console.Caller,
                         into page: inout [String: Any]) async throws {
        guard let run = try await RunStatus.list(period: period, districts: [district], database: caller.database).first else {
            throw ConsoleProblem.noRun(unit: district, period: period)
        }
        let byState = try await RunSettlement.of(runIDs: [run.runID], database: caller.database)[run.runID]?.byState ?? [:]
        let waiting = byState[DisbursementState.cashInstructed.rawValue]
        let count = waiting?.count ?? 0, amount = waiting?.amountVND ?? 0
        page["rows"] = [row(language.text("cashWaitingRow"), count: count, amount: amount)]
        page["totalCount"] = VietnameseNumber.grouped(count)
        page["totalAmount"] = Money(dong: amount).description
        page["notes"] = [language == .vi
            ? "Chỉ chốt sau hạn chi trả của bưu điện: các khoản chưa được xác nhận sẽ chuyển sang “bị trả lại” và được chi lại (truy lĩnh) vào đợt chi tháng sau; "
                + "ghi nhận xác nhận của bưu điện trước nếu còn."
            : "Close only after the post office's deadline: the payments not confirmed become returned and are owed again (as arrears) in next "
                + "month's run; record the post office's confirmations first if any remain."]
        page["fields"] = [["name": "count", "value": String(count)]]
    }

    private func row(_ label: String, count: Int, amount: Int64) -> [String: Any] {
        ["label": label, "count": VietnameseNumber.grouped(count), "amount": Money(dong: amount).description]
    }
}
