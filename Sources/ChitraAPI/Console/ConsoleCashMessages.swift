import ChitraCore
import ChitraStore
import Foundation

/// What the console says about the month's cash: failed transfers sent to the post office, its
/// confirmations recorded or refused line by line, the cash closed; in the console's language.
extension ConsoleMessages {
    static func fellBack(moved: Int, of count: Int, _ language: ConsoleLanguage) -> String {
        language == .vi
            ? "Đã chuyển \(VietnameseNumber.grouped(moved)) trên \(VietnameseNumber.grouped(count)) khoản chuyển lỗi sang danh sách chi tiền mặt của bưu điện."
            : "Sent to cash: \(moved) of \(count) failed transfers are on the post office's list."
    }

    static func cashConfirmed(_ outcome: CashConfirmation.Outcome, _ language: ConsoleLanguage) -> String {
        guard language == .vi else { return outcome.description }
        if let previous = outcome.previous {
            return "Tệp này đã được ghi nhận trước đó (bởi \(previous.by), ngày \(previous.day.day)/\(previous.day.period.month)/\(previous.day.period.year)); "
                + "không thay đổi gì."
        }
        let total = outcome.paid + outcome.returned
        return "Đã ghi nhận \(VietnameseNumber.grouped(total)) khoản chi tiền mặt: \(VietnameseNumber.grouped(outcome.paid)) đã chi, "
            + "\(VietnameseNumber.grouped(outcome.returned)) không tìm thấy người nhận (bị trả lại, chi lại vào tháng sau)."
            + finished(paidOut: !outcome.paidOutRuns.isEmpty, completed: !outcome.completedRuns.isEmpty)
    }

    static func cashClosed(_ outcome: CashClosing.Outcome, _ language: ConsoleLanguage) -> String {
        guard language == .vi else { return outcome.description }
        return "Đã chốt chi tiền mặt \(month(outcome.period, language)) của đơn vị \(outcome.district): "
            + "\(VietnameseNumber.grouped(outcome.returned)) khoản chưa được xác nhận, \(Money(dong: outcome.returnedVND)), bị trả lại và sẽ được chi lại vào tháng sau."
            + finished(paidOut: outcome.paidOutRun != nil, completed: outcome.completedRun != nil)
    }

    /// What a confirmation or closing did to the run, in a sentence.
    private static func finished(paidOut: Bool, completed: Bool) -> String {
        if completed { return " Đợt chi đã hoàn tất: mọi khoản đều đã có kết quả." }
        if paidOut { return " Mọi khoản của đợt chi đã có kết quả; tháng khép lại khi sao kê ngân hàng được đối chiếu xong." }
        return ""
    }

    /// A file's problems: a sentence, then one line each ("Dòng 3, cột amount_vnd: …"), as the
    /// flash shows them; nil for other errors.
    static func fileRefusal(_ error: any Error, _ language: ConsoleLanguage) -> String? {
        guard language == .vi else { return nil }
        switch error {
        case let failure as ImportFailure:
            var lines = ["Chưa ghi nhận gì: tệp có \(VietnameseNumber.grouped(failure.total)) lỗi; sửa các dòng dưới đây rồi gửi lại cả tệp."]
            lines += failure.problems.map { problem in
                let message = problem.vietnamese ?? problem.message
                return problem.column.map { "Dòng \(problem.line), cột \($0): \(message)" } ?? "Dòng \(problem.line): \(message)"
            }
            if failure.total > failure.problems.count { lines.append("… và \(failure.total - failure.problems.count) lỗi khác.") }
            return lines.joined(separator: "\n")
        case let changed as CashClosing.Changed:
            return "Các khoản tiền mặt chờ xác nhận đã thay đổi từ lúc bạn xem (\(changed.expected) khoản; nay \(changed.found)): "
                + "chưa chốt; xin xem lại."
        case is ConsoleCashPages.NoFile: return "Xin chọn tệp xác nhận của bưu điện (CSV) trước khi gửi."
        case is MultipartForm.Malformed: return "Không đọc được biểu mẫu; xin tải lại trang và gửi lại tệp."
        default: return nil
        }
    }
}
