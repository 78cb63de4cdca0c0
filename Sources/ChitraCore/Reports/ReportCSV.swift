/// The monthly report as CSV for Excel: UTF-8 with a BOM, CRLF, Vietnamese headers, one line per
/// district and one for the province; amounts in whole đồng.
public enum ReportCSV {
    public static let header = [
        "Mã đơn vị", "Tên đơn vị", "Kỳ", "Trạng thái", "Số người hưởng", "Tổng tiền (đồng)",
        "Ngân hàng (người)", "Ngân hàng (đồng)", "Ví điện tử (người)", "Ví điện tử (đồng)",
        "Tiền mặt (người)", "Tiền mặt (đồng)", "Tiền mặt tại nhà (người)", "Tiền mặt tại nhà (đồng)",
        "Tỷ lệ không dùng tiền mặt (%)", "Đang xử lý (người)", "Đang xử lý (đồng)", "Chờ phê duyệt (người)",
        "Bị trả lại (người)", "Bị trả lại (đồng)", "Dừng chi (người)", "Dừng chi (đồng)", "Chuyển sang tiền mặt",
        "Lỗi theo mã", "Có CCCD", "Có số điện thoại", "Có tài khoản hoặc ví", "Có thể mở tài khoản", "Thiếu giấy tờ",
        "Người nhận thay", "Người nhận thay thiếu giấy tờ",
    ]

    public static func render(_ report: ProvinceReport) -> String {
        var text = CSVText.byteOrderMark + CSVText.line(header)
        for d in report.districts + [report.total] {
            let share = d.nonCashShare.map { String(Double(Int(($0 * 1000).rounded())) / 10) } ?? ""
            let failures = d.failuresByReason.keys.sorted().map { "\($0): \(d.failuresByReason[$0]!)" }.joined(separator: "; ")
            text += CSVText.line([
                d.district == "all" ? "" : d.district, CSVText.neutralised(d.districtName), d.period.description, d.runState?.rawValue ?? "",
                "\(d.beneficiaries)", "\(d.entitledVND)",
                "\(d.paid.bank.count)", "\(d.paid.bank.amountVND)", "\(d.paid.wallet.count)", "\(d.paid.wallet.amountVND)",
                "\(d.paid.cash.count)", "\(d.paid.cash.amountVND)", "\(d.paid.cashHome.count)", "\(d.paid.cashHome.amountVND)",
                share, "\(d.inFlight.count)", "\(d.inFlight.amountVND)", "\(d.awaitingApproval.count)",
                "\(d.returned.count)", "\(d.returned.amountVND)", "\(d.stopped.count)", "\(d.stopped.amountVND)", "\(d.fallbacks)",
                failures, "\(d.accounts.withCCCD)", "\(d.accounts.withPhone)", "\(d.accounts.withAccount)", "\(d.accounts.canOpen)",
                "\(d.accounts.missingDocuments)", "\(d.accounts.authorisedRecipients)", "\(d.accounts.recipientsMissingDocuments)",
            ])
        }
        return text
    }
}
