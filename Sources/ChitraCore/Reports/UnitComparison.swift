import Foundation

/// A payout unit of a month beside the unit(s) it came from in an earlier month, through the
/// lineage of a reform (`chitra report --compare`): a commune of 2026-07 beside the district(s) of
/// 2025-06 whose communes became it. The former units' figures are theirs whole: a district that
/// went to several communes is shown beside each.
public struct UnitComparison: Sendable, Hashable, Codable {
    public var unit: DistrictReport
    /// The units it came from (empty: the same unit, or none the lineage names).
    public var formerUnits: [String]
    /// The former units' figures of the earlier month, summed.
    public var before: DistrictReport

    public init(unit: DistrictReport, formerUnits: [String], before: DistrictReport) {
        self.unit = unit
        self.formerUnits = formerUnits
        self.before = before
    }

    /// As CSV for Excel (BOM, CRLF, Vietnamese headers).
    public static func csv(_ comparisons: [UnitComparison], period: Period, earlier: Period) -> String {
        var text = CSVText.byteOrderMark + CSVText.line(["Mã đơn vị", "Tên đơn vị", "Số người hưởng \(period)", "Đã chi \(period) (đồng)",
                                                         "Tỷ lệ không dùng tiền mặt \(period)", "Đơn vị trước", "Số người hưởng \(earlier)",
                                                         "Đã chi \(earlier) (đồng)", "Tỷ lệ không dùng tiền mặt \(earlier)"])
        for c in comparisons {
            text += CSVText.line([c.unit.district, c.unit.districtName, "\(c.unit.beneficiaries)", "\(c.unit.paid.total.amountVND)",
                                  c.unit.nonCashShare.map { String(format: "%.4f", $0) } ?? "", c.formerUnits.joined(separator: " "),
                                  "\(c.before.beneficiaries)", "\(c.before.paid.total.amountVND)",
                                  c.before.nonCashShare.map { String(format: "%.4f", $0) } ?? ""].map(CSVText.neutralised))
        }
        return text
    }
}
