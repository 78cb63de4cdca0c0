import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// `chitra report` in its four formats, and the HTML one as a browser shows it.
@Suite("chitra report", .machine(limit: .minutes(3)))
struct ReportCommandTests {
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/test-artifacts/report").path

    @Test("table with the non-cash share, CSV for Excel (BOM, Vietnamese headers), JSON with the documented fields, HTML rendered by Chromium")
    func formats() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "954")
            file.add("P1", [.eligibleFrom: "2024-09"])
            file.add("P2", [.eligibleFrom: "2024-09", .paymentMethod: "cash_home", .cccd: ""])
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "954", by: .test("operator", role: .operator))
            _ = try await RunCoordinator(database: database)
                .trigger(period: Period("2024-09")!, districts: ["954"], by: .test("operator", role: .operator), autoApprove: false)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: try PolicyTable.bundled())) { _ in
                try await eventually("computed") { try await RunStatus.list(period: nil, districts: ["954"], database: database).first?.state == .computed }
            }
            let url = database.url
            var result = try await CommandLineTests.run(["report", "--period", "2024-09"], url: url)
            #expect(result.status == 0 && result.output.contains("non-cash share") && result.output.contains("954 TP Bạc Liêu"), "\(result.output)")
            #expect(result.output.contains("awaiting approval 2 · 1.000.000 ₫"), "\(result.output)")

            try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
            let csv = Self.artifacts + "/report.csv"
            result = try await CommandLineTests.run(["report", "--period", "2024-09", "--format", "csv", "--out", csv], url: url)
            #expect(result.status == 0, "\(result.output)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: csv))
            #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
            let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines[0].hasPrefix("Mã đơn vị,Tên đơn vị,Kỳ,Trạng thái,Số người hưởng,Tổng tiền (đồng)"))
            #expect(lines[1].hasPrefix("954,TP Bạc Liêu,2024-09,computed,2,1000000"), "\(lines[1])")

            result = try await CommandLineTests.run(["report", "--period", "2024-09", "--format", "json", "--district", "954"], url: url)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
            let district = try #require((json["units"] as? [[String: Any]])?.first)
            #expect(district["unit"] as? String == "954" && district["unit_level"] as? String == "district" && district["unit_name"] as? String == "TP Bạc Liêu")
            for field in ["unit", "period", "beneficiaries", "entitled_vnd", "paid", "in_flight", "returned", "stopped", "fallbacks",
                          "failures_by_reason", "non_cash_share", "accounts"] {
                #expect(district[field] != nil, "\(field)")
            }
            #expect((district["accounts"] as? [String: Any])?["missing_documents"] as? Int == 1)

            result = try await CommandLineTests.run(["report", "--period", "2024-09", "--district", "956"], url: url,
                                                  as: TestPerson("Op Report", .operator, districts: ["954"]))
            #expect(result.status == 4, "another district's report is not the operator's: \(result.output)")

            let html = Self.artifacts + "/report.html"
            result = try await CommandLineTests.run(["report", "--period", "2024-09", "--format", "html", "--out", html], url: url)
            #expect(result.status == 0, "\(result.output)")
            let page = try String(contentsOfFile: html, encoding: .utf8)
            #expect(page.contains("<svg id=\"non-cash-chart\"") && page.contains("@page { size: A4") && page.contains("Báo cáo tháng 9/2024"))
            // Chromium renders it (a screenshot as the test's artifact).
            let screenshot = Self.artifacts + "/report-html.png"
            try? FileManager.default.removeItem(atPath: screenshot)
            let chromium = try ChildProcess(executable: "/usr/bin/env", arguments: [
                "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--user-data-dir=" + NSTemporaryDirectory() + "chitra-chromium-\(UUID().uuidString.prefix(8))",
                "--window-size=1754,1240", "--screenshot=" + screenshot, "file://" + html,
            ], logPath: Self.artifacts + "/chromium.log")
            #expect(await chromium.waitForExit() == 0)
            let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? NSNumber)?.intValue ?? 0
            #expect(size > 10_000, "a real screenshot at \(screenshot)")
        }
    }
}
