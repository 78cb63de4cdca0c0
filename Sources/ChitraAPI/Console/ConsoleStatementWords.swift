import ChitraCore
import ChitraRails
import ChitraStore

/// The statements' words in the console, in the page's language.
enum ConsoleStatementWords {
    /// A day as officials write it in Vietnamese (6/12/2026), or as the API gives it.
    static func day(_ text: String, _ language: ConsoleLanguage) -> String {
        guard language == .vi, let day = Day(text) else { return text }
        return "\(day.day)/\(day.period.month)/\(day.period.year)"
    }

    /// What a statement's entries did, largest first: "44.123 đã trừ tài khoản, 2 chênh lệch".
    static func outcomes(_ counts: [String: Int], _ language: ConsoleLanguage) -> String {
        counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\(VietnameseNumber.grouped($0.value)) \(language.text("entry." + $0.key))" }.joined(separator: ", ")
    }

    /// The bank's answer to a recall: accepted, or refused with its reason.
    static func recall(_ answer: String, _ language: ConsoleLanguage) -> String {
        if answer == "accepted" { return language.text("recallAccepted") }
        let reason = answer.hasPrefix("refused: ") ? String(answer.dropFirst("refused: ".count)) : answer
        return "\(language.text("recallRefused")) (\(reason))"
    }

    static func taken(_ outcome: StatementImport.Outcome, _ language: ConsoleLanguage) -> String {
        guard language == .vi else { return outcome.description }
        if outcome.entries == 0 && outcome.breaksOpened == 0 && outcome.statementsAlreadyIn == outcome.statements + outcome.notifications {
            return "Sao kê này đã được nhập trước đó; không có gì thay đổi."
        }
        let files = [outcome.statements > 0 ? "\(outcome.statements) sao kê" : nil,
                     outcome.notifications > 0 ? "\(outcome.notifications) báo có/báo nợ trong ngày" : nil].compactMap { $0 }.joined(separator: " và ")
        var text = "Đã nhập \(files), \(VietnameseNumber.grouped(outcome.entries)) bút toán mới: "
            + "\(VietnameseNumber.grouped(outcome.settled)) khoản chuyển đã trừ tài khoản, \(VietnameseNumber.grouped(outcome.returned)) khoản bị hoàn lại "
            + "(chi lại vào tháng sau), \(VietnameseNumber.grouped(outcome.waiting)) khoản chờ kết quả của ngân hàng, "
            + "\(VietnameseNumber.grouped(outcome.recovered)) khoản trừ trùng đã được hoàn, \(VietnameseNumber.grouped(outcome.charges)) khoản phí"
        text += outcome.breaksOpened == 0 ? "; không có chênh lệch." : "; \(outcome.breaksOpened) chênh lệch cần xem xét"
            + (outcome.breaks["duplicate"].map { " (\($0) khoản trừ trùng đang được yêu cầu hoàn lại)" } ?? "") + "."
        for (account, missing) in outcome.gaps.sorted(by: { $0.key < $1.key }) where !missing.isEmpty {
            text += " Còn thiếu sao kê số \(missing.map(String.init).joined(separator: ", ")) của tài khoản \(account)."
        }
        return text + monthsClosed(outcome.completedRuns)
    }

    static func closed(_ closed: StatementBreaks.Break, _ language: ConsoleLanguage) -> String {
        language == .vi ? "Đã đóng chênh lệch số \(closed.id)." + monthsClosed(closed.completedRuns ?? [])
            : "Break \(closed.id) is closed." + (closed.completedRuns?.isEmpty == false ? " The month of its run closed." : "")
    }

    /// " Tháng của đợt chi … đã khép lại …", or "" when none closed.
    private static func monthsClosed(_ runs: [Int64]) -> String {
        runs.isEmpty ? "" : " Đã khép lại tháng của đợt chi số \(runs.map(String.init).joined(separator: ", ")): mọi khoản chuyển đã được trừ tài khoản "
            + "hoặc hoàn lại, không còn chênh lệch."
    }

    static func recalled(_ id: Int64, _ language: ConsoleLanguage) -> String {
        language == .vi ? "Đã yêu cầu ngân hàng hoàn lại khoản trừ trùng (chênh lệch số \(id))."
            : "The bank is asked again to give back the second debit (break \(id))."
    }

    /// The statements' refusals, in Vietnamese; nil for other errors.
    static func refusal(_ error: any Error, _ language: ConsoleLanguage) -> String? {
        guard language == .vi else { return nil }
        switch error {
        case is ConsoleStatementPages.NoFile: return "Xin chọn tệp sao kê của ngân hàng (camt.053, báo có/báo nợ camt.054 hoặc MT940) trước khi gửi."
        case let failure as StatementFile.Failure:
            switch failure {
            case .empty: return "Tệp sao kê trống; chưa nhập gì."
            case .notText: return "Tệp không phải sao kê camt.053, báo có/báo nợ camt.054 (XML) hay MT940; chưa nhập gì."
            case .noStatement: return "Tệp không có sao kê nào; chưa nhập gì."
            case .camt053, .mt940: return "Không đọc được sao kê (\(failure)); chưa nhập gì."
            }
        case let failure as StatementImport.Failure:
            switch failure {
            case .noUnit(let account, let bank, let day):
                return "Không có đơn vị nào của bạn chi trả từ tài khoản ****\(account.suffix(4)) tại ngân hàng \(bank) ngày \(Self.day(day.description, language)); chưa nhập gì."
            case .severalUnits(let account, _, let units):
                return "Tài khoản ****\(account.suffix(4)) là tài khoản chi trả của các đơn vị \(units.joined(separator: ", ")); mỗi đơn vị cần một tài khoản riêng; chưa nhập gì."
            case .changed: return "Các khoản chuyển đã thay đổi trong lúc đối chiếu; chưa nhập gì: xin gửi lại tệp."
            }
        case let failure as StatementBreaks.Failure:
            switch failure {
            case .noSuchBreak(let id): return "Không có chênh lệch số \(id) trong phạm vi của bạn."
            case .alreadyClosed(let id, let by): return "Chênh lệch số \(id) đã được \(by) đóng; không có gì thay đổi."
            case .noNote: return "Xin ghi rõ đã xử lý thế nào trước khi đóng chênh lệch."
            case .notRecallable(let id, _, _): return "Chỉ yêu cầu hoàn lại được khoản trừ trùng đang mở (chênh lệch số \(id))."
            }
        default: return nil
        }
    }
}
