import ChitraCore
import Hummingbird

/// The console's own refusals, with their HTTP status and their sentence in both languages.
enum ConsoleProblem: Error, CustomStringConvertible {
    case tooManyRequests(perSecond: Int)
    case formExpired
    case noSuchPage
    case noRun(unit: String, period: Period)
    case formTooLarge(kib: Int)
    case fileTooLarge(mib: Int)

    var status: HTTPResponse.Status {
        switch self {
        case .tooManyRequests: .tooManyRequests
        case .formExpired: .forbidden
        case .noSuchPage, .noRun: .notFound
        case .formTooLarge, .fileTooLarge: .contentTooLarge
        }
    }

    var description: String { sentence(.en) }

    func sentence(_ language: ConsoleLanguage) -> String {
        let vi = language == .vi
        switch self {
        case .tooManyRequests(let perSecond):
            return vi ? "Quá nhiều yêu cầu với mã truy cập này; xin chậm lại (tối đa \(perSecond) yêu cầu mỗi giây)."
                : "Too many requests with this token; slow down (at most \(perSecond) a second)."
        case .formExpired:
            return vi ? "Biểu mẫu này đã hết hạn; xin tải lại trang rồi làm lại." : "This form has expired; reload the page and try again."
        case .noSuchPage:
            return vi ? "Không có trang này." : "No such page."
        case .noRun(let unit, let period):
            return vi ? "Đơn vị \(unit) chưa có đợt chi \(ConsoleMessages.month(period, language))."
                : "\(PayoutUnitCode.named(unit)) has no run for \(period)."
        case .formTooLarge(let kib):
            return vi ? "Biểu mẫu lớn hơn \(kib) KiB." : "The form is larger than \(kib) KiB."
        case .fileTooLarge(let mib):
            return vi ? "Tệp lớn hơn \(mib) MiB." : "The file is larger than \(mib) MiB."
        }
    }
}
