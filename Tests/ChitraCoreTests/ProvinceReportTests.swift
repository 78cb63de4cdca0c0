import ChitraCore
import Foundation
import Testing

@Suite("Province report")
struct ProvinceReportTests {
    static let period = Period("2026-02")!

    static func district(_ code: String, bank: Int, cash: Int, state: RunState?) -> DistrictReport {
        var report = DistrictReport(district: code, districtName: "Huyện \(code)", period: period)
        report.runState = state
        report.paid.bank = CountAmount(count: bank, amountVND: Int64(bank) * 500_000)
        report.paid.cash = CountAmount(count: cash, amountVND: Int64(cash) * 1_000_000)
        report.beneficiaries = bank + cash
        report.entitledVND = report.paid.total.amountVND
        report.failuresByReason = ["AC01": bank]
        return report
    }

    @Test("the province sums its districts; the non-cash share by count and by amount; the deadline is the 30th or the month's last day")
    func rollUp() {
        let report = ProvinceReport(period: Self.period, madeOn: Day("2026-02-20")!, districts: [
            Self.district("956", bank: 3, cash: 1, state: .completed), Self.district("954", bank: 1, cash: 3, state: .approved),
        ])
        #expect(report.districts.map(\.district) == ["954", "956"])
        #expect(report.total.paid.bank == CountAmount(count: 4, amountVND: 2_000_000))
        #expect(report.total.paid.cash == CountAmount(count: 4, amountVND: 4_000_000))
        #expect(report.total.nonCashShare == 0.5)
        #expect(report.total.nonCashShareOfAmount.map { ($0 * 1000).rounded() } == 333)
        #expect(report.total.failuresByReason == ["AC01": 4] && report.total.reconciles)
        #expect(report.notCompleted == ["954"])
        #expect(ProvinceReport.deadline(of: Self.period) == Day("2026-02-28")! && report.daysToDeadline == 8)
        #expect(ProvinceReport.deadline(of: Period("2026-07")!) == Day("2026-07-30")!)
        #expect(VietnameseNumber.percent(report.total.nonCashShareOfAmount) == "33,3 %" && VietnameseNumber.percent(nil) == "—")
        #expect(VietnameseNumber.grouped(1_234_567) == "1.234.567")
        #expect(ReportTable.render(report).contains("non-cash share    50,0 % of people paid"))
        let csv = ReportCSV.render(report)
        #expect(csv.hasPrefix("\u{FEFF}Mã đơn vị,Tên đơn vị,Kỳ,Trạng thái,Số người hưởng"))
        #expect(csv.components(separatedBy: "\r\n").count == 5, "header, two districts, the province, and the last line's end")
    }

    @Test("days since 2000 and back agree for every day of 1999–2031")
    func daysRoundTrip() {
        #expect((-400...(32 * 366)).first { Day(daysSince2000: $0).daysSince2000 != $0 } == nil)
    }

    @Test("a report survives JSON both ways, shares included")
    func json() throws {
        let district = Self.district("954", bank: 2, cash: 2, state: .completed)
        let data = try JSONEncoder().encode(district)
        #expect(try JSONDecoder().decode(DistrictReport.self, from: data) == district)
        #expect(String(decoding: data, as: UTF8.self).contains(#""non_cash_share":0.5"#))
    }

    @Test("a report names its unit as unit, unit_name and unit_level; one frozen before, with district and district_name, still reads")
    func unitNames() throws {
        let commune = Self.district("31825", bank: 1, cash: 0, state: .completed)
        let text = String(decoding: try JSONEncoder().encode(commune), as: UTF8.self)
        #expect(text.contains(#""unit":"31825""#) && text.contains(#""unit_level":"commune""#) && text.contains(#""unit_name":"#)
                && !text.contains(#""district""#), "\(text)")
        let district = Self.district("954", bank: 2, cash: 2, state: .completed)
        // As a report frozen before the names changed: district and district_name, no unit_level.
        var fields = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(district)) as? [String: Any])
        fields["district"] = fields.removeValue(forKey: "unit")
        fields["district_name"] = fields.removeValue(forKey: "unit_name")
        fields["unit_level"] = nil
        let older = try JSONSerialization.data(withJSONObject: fields)
        #expect(!String(decoding: older, as: UTF8.self).contains("unit"))
        #expect(try JSONDecoder().decode(DistrictReport.self, from: older) == district)
    }
}
