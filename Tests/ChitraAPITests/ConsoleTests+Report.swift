@testable import ChitraAPI
import ChitraCore
import ChitraTesting
import Foundation
import Testing

/// The report to keep, from its page: for Excel and for print.
extension ConsoleTests {
    @Test("the report page offers the month's report for Excel (CSV with a BOM, Vietnamese headers) and as an A4 print, both in the caller's scope")
    func reportDownloads() async throws {
        try await Self.withConsole { browser, other, url in
            try await Self.computeMay(of: "31825", url)
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Báo cáo", .finance, districts: ["31825"]), url: url))
            var page = try await browser.send(.get, "/console/report?period=05/2026")
            #expect(page.text.contains(#"href="/console/report.csv?period=2026-05" id="report-csv""#)
                    && page.text.contains(#"href="/console/report.html?period=2026-05" id="report-print""#), "\(page.text)")
            page = try await browser.send(.get, "/console/report.csv?period=05/2026")
            #expect(page.status == 200 && page.headers[.contentType] == "text/csv; charset=utf-8" && page.text.hasPrefix("\u{FEFF}")
                    && page.headers[.contentDisposition] == #"attachment; filename="bao-cao-2026-05.csv""# && page.text.contains("31825")
                    && !page.text.contains("31843"), "\(page.text)")
            page = try await browser.send(.get, "/console/report.html?period=2026-05")
            #expect(page.status == 200 && page.text.contains("A4 landscape") && page.text.contains("31825") && !page.text.contains("31843"),
                    "\(page.text)")
            // Without a session: the login page, not the report.
            page = try await other.send(.get, "/console/report.csv?period=05/2026")
            #expect(page.status == 303 && page.headers[.location]?.hasPrefix("/console/login") == true)
        }
    }
}
