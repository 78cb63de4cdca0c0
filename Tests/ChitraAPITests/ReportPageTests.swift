@testable import ChitraAPI
import ChitraCore
import Foundation
import Testing

/// The report as the console and `chitra report --format html` draw it: a unit whose month is still
/// open never shows a finished share, and days to the deadline show only while one is open.
@Suite("Report page")
struct ReportPageTests {
    static let period = Period("2026-07")!

    /// A unit with `bank` people paid by bank, `cash` paid in cash and `inFlight` not settled yet.
    static func unit(_ code: String, bank: Int, cash: Int, inFlight: Int, state: RunState) -> DistrictReport {
        var report = DistrictReport(district: code, districtName: "Xã \(code)", period: period)
        report.runState = state
        report.paid.bank = CountAmount(count: bank, amountVND: Int64(bank) * 500_000)
        report.paid.cash = CountAmount(count: cash, amountVND: Int64(cash) * 500_000)
        report.inFlight = CountAmount(count: inFlight, amountVND: Int64(inFlight) * 500_000)
        report.beneficiaries = bank + cash + inFlight
        report.entitledVND = Int64(report.beneficiaries) * 500_000
        return report
    }

    static func page(_ report: ProvinceReport, _ language: ConsoleLanguage = .vi) async throws -> String {
        try ReportPage.document(report, language: language, templates: try await ConsoleTemplates.load())
    }

    @Test("a unit whose cash is not confirmed yet shows its share so far as unfinished and grey, never a green 100 %; the province's share likewise; the threshold and a 0–100 % scale are drawn")
    func openMonthNotGreen() async throws {
        // 31825: every bank transfer paid, its 4 cash payments not confirmed yet (100 % of those paid so far).
        let report = ProvinceReport(period: Self.period, madeOn: Day("2026-07-20")!, districts: [
            Self.unit("31825", bank: 6, cash: 0, inFlight: 4, state: .approved), Self.unit("31843", bank: 8, cash: 2, inFlight: 0, state: .completed),
        ])
        let html = try await Self.page(report)
        #expect(html.contains(">100,0 % (chưa xong)<") && html.contains(##"fill="#8a8f98"/><text x="666" y="38">100,0 % (chưa xong)"##), "\(html)")
        #expect(!html.contains(##"width="440" height="18" fill="#2d8a4e""##), "no green full bar for an open month")
        #expect(html.contains(##"fill="#2d8a4e"/><text x="578" y="66">80,0 %</text>"##), "the finished unit in green: \(html)")
        #expect(html.contains(">87,5 % (chưa xong)<"), "the province while a unit is open: \(html)")
        #expect(html.contains(">0 %</text>") && html.contains(">100 %</text>") && html.contains(#"<line id="threshold" x1="440""#)
                && html.contains("<title>ngưỡng 50 %</title>"))
        #expect(html.contains("ngày còn lại") && html.contains("Chưa hoàn thành: 31825"))
        let english = try await Self.page(report, .en)
        #expect(english.contains("100.0 % (not finished)") || english.contains("100,0 % (not finished)"), "\(english)")
    }

    @Test("once every unit finished, no days to or past the deadline: the report says every unit completed")
    func deadlineOnlyWhileOpen() async throws {
        let report = ProvinceReport(period: Self.period, madeOn: Day("2026-12-05")!, districts: [
            Self.unit("31843", bank: 8, cash: 2, inFlight: 0, state: .completed),
        ])
        let html = try await Self.page(report)
        #expect(!html.contains("ngày quá hạn") && !html.contains("ngày còn lại") && html.contains("Mọi đơn vị đã hoàn thành đợt chi.")
                && html.contains("Hạn báo cáo 2026-07-30</p>") && !html.contains("chưa xong"), "\(html)")
        let open = ProvinceReport(period: Self.period, madeOn: Day("2026-12-05")!, districts: [
            Self.unit("31825", bank: 6, cash: 0, inFlight: 4, state: .approved),
        ])
        #expect(try await Self.page(open).contains("128 ngày quá hạn"))
    }
}
