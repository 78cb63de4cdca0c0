/// What an ISO 20022 reason code of a rejected transfer means to the officer who reads it, and
/// what to do next, in both languages. A code without words of its own is described by its kind
/// (one the bank may accept later, or one it will not), as the rails treat it.
enum ReasonTexts {
    struct Text: Equatable {
        var meaning: String
        var nextStep: String
    }

    /// Codes the rails send again later (the same set as `RejectionReason.temporaryCodes`).
    static let temporaryCodes: Set<String> = ["AM04", "AM05", "DS24", "TM01", "DT01", "FOCR", "NARR", "TECH", "SL01"]

    static func text(_ code: String, _ language: ConsoleLanguage) -> Text {
        let texts = language == .vi ? vietnamese : english
        if let text = texts[code] { return text }
        let kind = temporaryCodes.contains(code) ? "temporary" : "permanent"
        return texts[kind]!
    }

    /// A reason code as it may appear in a link or filter: four capital letters or digits.
    static func isCode(_ text: String) -> Bool {
        text.count == 4 && text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    static let vietnamese: [String: Text] = [
        "AC01": Text(meaning: "Số tài khoản không đúng.",
                     nextStep: "Đối chiếu số tài khoản với đối tượng (thẻ hoặc sổ ngân hàng) rồi sửa trong danh sách đối tượng."),
        "AC03": Text(meaning: "Số tài khoản người nhận không hợp lệ.",
                     nextStep: "Đối chiếu số tài khoản và ngân hàng với đối tượng rồi sửa trong danh sách đối tượng."),
        "AC04": Text(meaning: "Tài khoản đã đóng.",
                     nextStep: "Hỏi đối tượng tài khoản mới, hoặc ghi nhận họ nhận tiền mặt."),
        "AC06": Text(meaning: "Tài khoản bị phong tỏa.",
                     nextStep: "Liên hệ đối tượng: CCCD hết hạn hoặc chưa cập nhật sinh trắc học thường làm ngân hàng phong tỏa tài khoản."),
        "AG01": Text(meaning: "Ngân hàng không cho phép giao dịch này với tài khoản.",
                     nextStep: "Hỏi đối tượng về loại tài khoản, hoặc ghi nhận họ nhận tiền mặt."),
        "BE01": Text(meaning: "Tên chủ tài khoản không khớp với đối tượng.",
                     nextStep: "Đối chiếu họ tên chủ tài khoản với CCCD rồi sửa tên tài khoản trong danh sách đối tượng."),
        "AM04": Text(meaning: "Tài khoản chi của đơn vị không đủ tiền.",
                     nextStep: "Nạp thêm tiền vào tài khoản chi của đơn vị rồi chuyển lại các khoản lỗi."),
        "AM05": Text(meaning: "Ngân hàng cho rằng lệnh chuyển bị trùng.",
                     nextStep: "Chưa chuyển lại: xem sao kê ngân hàng để biết tiền đã đến chưa."),
        "MD07": Text(meaning: "Người hưởng đã mất.",
                     nextStep: "Dừng chi trả, lập hồ sơ trợ cấp mai táng và báo Phòng Lao động."),
        "TM01": Text(meaning: "Lệnh đến ngân hàng sau giờ giao dịch.",
                     nextStep: "Chuyển lại vào ngày làm việc tiếp theo."),
        "TECH": Text(meaning: "Lỗi kỹ thuật tại ngân hàng.",
                     nextStep: "Chuyển lại sau; nếu vẫn lỗi, liên hệ ngân hàng."),
        "temporary": Text(meaning: "Ngân hàng tạm thời chưa nhận khoản này.",
                          nextStep: "Chuyển lại sau; nếu vẫn lỗi, liên hệ ngân hàng."),
        "permanent": Text(meaning: "Ngân hàng từ chối khoản này; gửi lại cũng không được.",
                          nextStep: "Kiểm tra thông tin tài khoản với đối tượng, hoặc ghi nhận họ nhận tiền mặt."),
    ]

    static let english: [String: Text] = [
        "AC01": Text(meaning: "The account number is wrong.",
                     nextStep: "Check the account number with the person (bank card or book), then correct it in the register."),
        "AC03": Text(meaning: "The creditor's account number is invalid.",
                     nextStep: "Check the account number and the bank with the person, then correct them in the register."),
        "AC04": Text(meaning: "The account is closed.",
                     nextStep: "Ask the person for a new account, or record that they take cash."),
        "AC06": Text(meaning: "The account is blocked.",
                     nextStep: "Contact the person: an expired CCCD or biometrics not updated often make the bank block an account."),
        "AG01": Text(meaning: "The bank forbids this transaction on the account.",
                     nextStep: "Ask the person about the kind of account, or record that they take cash."),
        "BE01": Text(meaning: "The account holder's name does not match the person.",
                     nextStep: "Check the holder's name against the CCCD, then correct the account name in the register."),
        "AM04": Text(meaning: "The unit's payment account lacks funds.",
                     nextStep: "Top up the unit's payment account, then retry the failed transfers."),
        "AM05": Text(meaning: "The bank takes the transfer for a duplicate.",
                     nextStep: "Do not retry yet: see in the bank's statement whether the money arrived."),
        "MD07": Text(meaning: "The beneficiary has died.",
                     nextStep: "Stop the payments, open the funeral allowance file and tell the Labour office."),
        "TM01": Text(meaning: "The instruction reached the bank after its cut-off.",
                     nextStep: "Retry on the next working day."),
        "TECH": Text(meaning: "A technical fault at the bank.",
                     nextStep: "Retry later; if it persists, contact the bank."),
        "temporary": Text(meaning: "The bank could not take this transfer for now.",
                          nextStep: "Retry later; if it persists, contact the bank."),
        "permanent": Text(meaning: "The bank refuses this transfer; sending it again will not help.",
                          nextStep: "Check the account details with the person, or record that they take cash."),
    ]
}
