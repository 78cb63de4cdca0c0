import Foundation
import ChitraCore
import ChitraStore

/// What the console says after an action, and the refusals an officer meets most, in the console's
/// language (the store's sentences are English, for the CLI and the API).
enum ConsoleMessages {
    /// "tháng 7/2026", as officials write a month.
    static func month(_ period: Period, _ language: ConsoleLanguage) -> String {
        language == .vi ? "tháng \(period.month)/\(period.year)" : period.description
    }

    /// The month after a word that says "month" already: "5/2026" ("Các đợt chi tháng 5/2026").
    static func monthNumber(_ period: Period, _ language: ConsoleLanguage) -> String {
        language == .vi ? "\(period.month)/\(period.year)" : period.description
    }

    static func month(_ text: String, _ language: ConsoleLanguage) -> String {
        Period(text).map { month($0, language) } ?? text
    }

    static func triggered(_ outcome: RunCoordinator.Outcome, period: Period, _ language: ConsoleLanguage) -> String {
        guard language == .vi else { return outcome.description }
        switch outcome {
        case .started(let unit, let runID, _):
            return "Đơn vị \(unit): đã khởi chạy đợt chi \(month(period, language)) (đợt \(runID))."
        case .alreadyTriggered(let unit, let runID, let state):
            return "Đơn vị \(unit): đợt chi \(month(period, language)) (đợt \(runID)) đã được khởi chạy trước đó và đang ở trạng thái "
                + "“\(language.state(state.rawValue))”; không khởi chạy thêm."
        }
    }

    static func approved(count: Int, total: Int64, _ language: ConsoleLanguage) -> String {
        language == .vi
            ? "Đã phê duyệt: \(VietnameseNumber.grouped(count)) khoản chi, \(Money(dong: total))."
            : "Approved: \(VietnameseNumber.grouped(count)) disbursements, \(Money(dong: total))."
    }

    static func retried(moved: Int, of count: Int, _ language: ConsoleLanguage) -> String {
        language == .vi
            ? "Đã gửi lại \(VietnameseNumber.grouped(moved)) trên \(VietnameseNumber.grouped(count)) khoản chuyển lỗi."
            : "Sent again: \(moved) of \(count) failed transfers."
    }

    static func resumed(_ outcome: RunResumption.Outcome, _ language: ConsoleLanguage) -> String {
        guard language == .vi else { return outcome.description }
        switch outcome {
        case .planAgain(let unit, let period, let runID):
            return "Đã tiếp tục đợt chi \(runID) của đơn vị \(unit), \(month(period, language)): lập kế hoạch lại."
        case .shardsAgain(let unit, let period, let runID, let shards, let total):
            return "Đã tiếp tục đợt chi \(runID) của đơn vị \(unit), \(month(period, language)): tính lại \(shards) trên \(total) phần; "
                + "\(total - shards) phần đã xong giữ nguyên."
        }
    }

    static func cancelled(removed: Int, _ language: ConsoleLanguage) -> String {
        language == .vi
            ? "Đã hủy đợt chi; \(VietnameseNumber.grouped(removed)) khoản chi đã tính bị xóa."
            : "Cancelled; \(removed) computed disbursements removed."
    }

    /// The refusals of access in the console's language; nil for any other error (said as the API says it).
    static func refusal(_ error: any Error, _ language: ConsoleLanguage) -> String? {
        guard language == .vi else { return nil }
        if case RunApproval.Failure.changedSinceShown(_, _, let shown, let now)? = error as? RunApproval.Failure {
            return "Đợt chi đã thay đổi từ lúc bạn xem (\(VietnameseNumber.grouped(shown.count)) khoản chi, \(Money(dong: shown.totalVND)); "
                + "nay \(VietnameseNumber.grouped(now.count)) khoản chi, \(Money(dong: now.totalVND))): chưa phê duyệt; xin xem lại."
        }
        if let changed = error as? FinanceRerun.Changed {
            return "Các chuyển khoản lỗi đã thay đổi từ lúc bạn xem (\(changed.expected) khoản; nay \(changed.found)): chưa gửi lại khoản nào; xin xem lại."
        }
        if error is Unconfirmed { return "Xin xem lại số liệu và bấm xác nhận trước khi tiền được chuyển." }
        if let refusal = runRefusal(error, language) { return refusal }
        if let refusal = fileRefusal(error, language) { return refusal }
        if let refusal = otherRefusal(error, language) { return refusal }
        if let refusal = ConsoleStatementWords.refusal(error, language) { return refusal }
        if let problem = error as? ConsoleProblem { return problem.sentence(language) }
        guard let access = error as? AccessError else { return nil }
        switch access {
        case .forbidden(let action, let role):
            return "\(language.text("role." + role.rawValue)) không có quyền \(vietnamese(action))."
        case .notFound(let unit, _): return "Không có đơn vị \(unit) trong phạm vi của bạn."
        case .noToken, .unknownToken, .expired, .revoked: return language.text("sessionEnded")
        }
    }

    /// A run's state forbidding what was asked, or no run at all, in Vietnamese.
    static func runRefusal(_ error: any Error, _ language: ConsoleLanguage) -> String? {
        func run(_ unit: String, _ period: String) -> String { "Đợt chi của đơn vị \(unit) \(month(period, language))" }
        func state(_ state: String) -> String { "“\(language.state(state))”" }
        func noRun(_ unit: String, _ period: String) -> String { "Đơn vị \(unit) chưa có đợt chi \(month(period, language))." }
        switch error {
        case RunApproval.Failure.noRun(let unit, let period), RunCancellation.Failure.noRun(let unit, let period),
             RunResumption.Failure.noRun(let unit, let period):
            return noRun(unit, period)
        case RunApproval.Failure.notComputed(let unit, let period, let now):
            return "\(run(unit, period)) đang ở trạng thái \(state(now)); chỉ đợt chi chờ phê duyệt mới phê duyệt được."
        case RunApproval.Failure.sameApprover(let name):
            return "\(name) đã khởi chạy đợt chi này nên không được phê duyệt nó; cần một người khác phê duyệt."
        case RunApproval.Failure.totalsDisagree(let unit, let period, let recorded, let counted):
            return "\(run(unit, period)) ghi \(VietnameseNumber.grouped(recorded.count)) khoản chi, \(Money(dong: recorded.totalVND)) nhưng đang có "
                + "\(VietnameseNumber.grouped(counted.count)) khoản, \(Money(dong: counted.totalVND)); chưa phê duyệt."
        case RunCancellation.Failure.tooLate(let unit, let period, let now):
            return "\(run(unit, period)) đang ở trạng thái \(state(now)); chỉ hủy được đợt chi chưa phê duyệt."
        case RunResumption.Failure.notFailed(let unit, let period, let now):
            return "\(run(unit, period)) đang ở trạng thái \(state(now.rawValue)); chỉ tiếp tục được đợt chi bị lỗi."
        default:
            return nil
        }
    }

    /// What an action is, in Vietnamese, for a refusal.
    static func vietnamese(_ action: Action) -> String {
        switch action {
        case .read: "xem nội dung này"
        case .importRegister: "nhập danh sách đối tượng"
        case .triggerRun: "khởi chạy đợt chi"
        case .approveRun: "phê duyệt đợt chi"
        case .cancelRun: "hủy đợt chi"
        case .resumeRun: "tiếp tục đợt chi"
        case .autoApprove: "khởi chạy đợt chi tự phê duyệt"
        case .forceRun: "khởi chạy đợt chi ngoài thời hạn thông thường"
        case .retryTransfers: "gửi lại các khoản chuyển lỗi"
        case .cashFallback: "chuyển các khoản lỗi sang chi tiền mặt"
        case .cashList: "lấy danh sách chi tiền mặt"
        case .confirmCash: "xác nhận chi tiền mặt"
        case .closeCash: "chốt chi tiền mặt"
        case .importStatements: "nhập sao kê tài khoản ngân hàng"
        case .handleBreaks: "xử lý chênh lệch đối chiếu sao kê"
        case .changeSettings: "thay đổi thiết lập của đơn vị"
        case .manageTokens: "quản lý mã truy cập"
        case .manageJobs: "quản lý hàng đợi công việc"
        case .loadUnits: "nạp danh mục đơn vị hành chính"
        case .moveRegister: "chuyển danh sách đối tượng sang đơn vị mới"
        }
    }

    /// A month typed the way officials write it: 07/2026, 7/2026 or 2026-07.
    static func period(_ text: String) -> Period? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let period = Period(trimmed) { return period }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 4,
              let month = Int(parts[0]), let year = Int(parts[1]) else { return nil }
        return Period(year: year, month: month)
    }

    /// A moment in Vietnam's time: "08:15 ngày 5/6/2026", "2026-06-05 08:15".
    static func moment(_ date: Date, _ language: ConsoleLanguage) -> String {
        let stamp = VietnamTime.timestamp(date)                      // YYYY-MM-DDTHH:MM:SS
        let day = VietnamTime.today(date), time = String(stamp.dropFirst(11).prefix(5))
        return language == .vi ? "\(time) ngày \(day.day)/\(day.period.month)/\(day.period.year)" : "\(stamp.prefix(10)) \(time)"
    }

    static func notAReasonCode(_ language: ConsoleLanguage) -> String {
        language == .vi ? "Mã lý do gồm 4 chữ in hoa hoặc chữ số, ví dụ AC01." : "A reason code is four capital letters or digits, such as AC01."
    }

    static func badMonth(_ language: ConsoleLanguage) -> String {
        language == .vi ? "Tháng viết dạng 07/2026 (hoặc 2026-07)." : "Write the month as 07/2026 (or 2026-07)."
    }
}

/// An action that moves money posted without the confirmation page's figures.
struct Unconfirmed: Error, CustomStringConvertible {
    var description: String { "Look at the figures and confirm before money moves." }
}
