import ChitraCore
import ChitraStore
import Foundation

/// The store's other refusals an officer meets in the console — a month the rules do not run, a
/// unit not paying in a month, failed transfers asked of a run not paying — in Vietnamese.
extension ConsoleMessages {
    static func otherRefusal(_ error: any Error, _ language: ConsoleLanguage) -> String? {
        guard language == .vi else { return nil }
        func day(_ day: Day) -> String { "\(day.day)/\(day.period.month)/\(day.period.year)" }
        switch error {
        case RunPeriodRule.Refusal.beforePolicy(let period, let earliest):
            return "\(month(period, language).capitalizedFirst) trước khi bảng chính sách có hiệu lực (\(month(earliest, language))): "
                + "không đợt chi nào tính được tháng này. Xin kiểm tra lại tháng."
        case RunPeriodRule.Refusal.tooFarAhead(let period, let current):
            return "\(month(period, language).capitalizedFirst) cách tháng hiện tại (\(month(current, language))) hơn một tháng: "
                + "đợt chi sẽ trả cho những tháng chưa đến. Xin kiểm tra lại tháng."
        case PayoutUnits.Refusal.abolished(let unit, let period, let on, let communes, let provinces):
            let name = "Đơn vị \(unit.code) (\(unit.name))"
            guard communes > 0 else { return "\(name) đã bị giải thể từ ngày \(day(on)) và không chi trả \(month(period, language))." }
            return "\(name) đã bị giải thể từ ngày \(day(on)); từ \(month(on.period, language)) đối tượng của đơn vị do \(communes) xã"
                + (provinces.isEmpty ? "" : " thuộc \(provinces)") + " chi trả (xem danh sách đơn vị kế thừa)."
        case PayoutUnits.Refusal.notYet(let unit, let period, let predecessors):
            let name = "Đơn vị \(unit.code) (\(unit.name))"
            let from = unit.validFrom.map { month($0.period, language) } ?? "sau này"
            guard !predecessors.isEmpty else { return "\(name) chi trả từ \(from), không phải \(month(period, language))." }
            return "\(name) chi trả từ \(from); \(month(period, language)) do \(predecessors.joined(separator: ", ")) chi trả."
        case FinanceScope.Refusal.noRun(let unit, let period):
            return "Đơn vị \(unit) chưa có đợt chi \(month(period, language))."
        case FinanceScope.Refusal.notApproved(let unit, let period, let state):
            return "Đợt chi của đơn vị \(unit) \(month(period, language)) đang ở trạng thái “\(language.state(state))”: "
                + "chưa khoản nào được chuyển nên chưa có khoản lỗi."
        case FinanceScope.Refusal.cashRail:
            return "Tiền mặt không chuyển lại được: danh sách của bưu điện được xác nhận hoặc chốt."
        default:
            return nil
        }
    }
}

extension String {
    /// The sentence's first letter in capitals ("tháng 7/2026" → "Tháng 7/2026").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
