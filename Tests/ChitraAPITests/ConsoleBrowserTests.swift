import ChitraAPI
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Hummingbird
import Testing

/// The web console in a real headless Chromium (Debian's `chromium`), driven over the DevTools
/// protocol by `Browser/console_walk.py`: an operator logs in and triggers the month, watches it
/// compute, is refused the approval; finance approves after its preview, uploads the post office's
/// confirmations from the browser's own form (a wrong line, then the right file); the report shows
/// its chart and prints on A4 landscape; every page fits a laptop and a phone in both languages.
/// Screenshots (and the report's PDF) are kept under `.build/test-artifacts/console/`.
@Suite("Web console in a browser", .machine(.alone, limit: .minutes(10)))
struct ConsoleBrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let walk = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/console_walk.py").path
    static let artifacts = packageRoot.appendingPathComponent(".build/test-artifacts/console").path

    struct Seen: Decodable {
        var unauthenticated_url: String
        /// "en phone report": [the page's width, the screen's], for every page on a laptop and on a phone, in both languages.
        var widths: [String: [Int]]
        var bad_login: String
        var after_login_url: String
        var runs_page: String
        var home_page: String
        var session_cookie_visible_to_scripts: Bool
        var after_trigger_url: String
        var trigger_notice: String
        var states_seen: [String]
        var operator_buttons: [String]
        var control_totals: String
        var operator_approve: String
        var state_after_operator_approve: String
        var without_csrf: String
        var after_logout: String
        var finance_buttons: [String]
        var approve_confirm_page: String
        var approve_notice: String
        var state_after_approve: String
        var run_problems: [String]
        var run_screenshot: String
        var report: String
        var chart_bars: Int
        var report_screenshot: String
        /// The report as print media on A4 landscape's printable width: [its width, the paper's].
        var print_width: [Int]
        var cash_listed: Int
        var cash_wrong_problem: String
        var cash_wrong_lines: [String]
        var cash_waiting_after_wrong: String
        var cash_notice: String
        var stages: [String]
        var finance_home: String
        var failed_from_home: String
        var retry_confirm_page: String
        var retry_notice: String
        var fallback_confirm_page: String
        var fallback_notice: String
        /// The audit log's entries (its table's rows, not its filter's list of actions).
        var audit: String
        var english_run: String
        var english_audit: String
        /// The menu and the month's form are not printed.
        var print_hidden: Bool
        var pdf_pages: Int
        var lookup_html: String
        var lookup: String
        var failed: String
        var english_heading: String
    }

    /// Serves the API and the console on a free port of 127.0.0.1 while `body` runs.
    static func serving<T: Sendable>(_ database: Database, _ body: @Sendable (String) async throws -> T) async throws -> T {
        let templates = try await ConsoleTemplates.load()
        let server = APIServer(database: database, requestsPerSecond: 1_000, burst: 1_000, console: templates, secureCookies: false,
                               logger: TestPostgres.logger)
        let (ports, port) = AsyncStream.makeStream(of: Int.self)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await server.application(host: "127.0.0.1", port: 0) { port.yield($0) }.runService()
                return nil
            }
            defer { group.cancelAll() }
            var bound: Int?
            for await value in ports { bound = value; break }
            return try await body("http://127.0.0.1:\(try #require(bound))")
        }
    }

    @Test("operator triggers and watches the run compute, is refused the approval; finance approves, records the post office's file, retries and sends to cash from the home page, reads the audit log; the report prints; numbers masked; every page fits in both languages")
    func walkThrough() async throws {
        try await TestPostgres.withNewDatabase { url in
            let period = VietnamTime.today().period
            let seen = try await TestPostgres.withRunning(url) { database in
                var file = RegisterFileBuilder(district: "31825")
                file.add("W1", [.eligibleFrom: .init(period.description), .paymentMethod: "bank", .bankCode: "970436", .accountNumber: "0123456789012",
                                .accountName: "NGUYEN VAN W1"])
                file.add("W2", [.eligibleFrom: .init(period.description), .paymentMethod: "wallet", .walletProvider: "momo", .walletID: "0912000111"])
                for id in ["W3", "W4", "W5"] { file.add(id, [.eligibleFrom: .init(period.description)]) }
                file.add("W6", [.eligibleFrom: .init(period.description), .cccd: "", .paymentMethod: "cash_home"])
                _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                    .importFile(at: try file.write(), district: "31825", by: .test("operator", role: .operator))
                let operatorToken = try await TestTokens.shared.token(for: TestPerson("Lê Văn An", .operator, districts: ["31825"]), url: url)
                let financeToken = try await TestTokens.shared.token(for: TestPerson("Trần Thị Bình", .finance, districts: ["31825"]), url: url)
                return try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: try PolicyTable.bundled())) { _ in
                    // The month before, approved, with transfers the banks refused: what finance decides in the walk.
                    try await Self.failedMonthBefore(period.previous, database: database)
                    return try await Self.serving(database) { base in
                        try FileManager.default.createDirectory(atPath: Self.artifacts, withIntermediateDirectories: true)
                        let log = Self.artifacts + "/walk.log"
                        try? FileManager.default.removeItem(atPath: Self.artifacts + "/seen.json")
                        let walk = try ChildProcess(executable: "/usr/bin/env", arguments: ["python3", Self.walk, base, operatorToken, financeToken,
                                                                                            "31825", period.description, Self.artifacts], logPath: log)
                        let status = await walk.waitForExit()
                        guard status == 0 else {
                            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                            throw Failure(text: "the browser walk failed (\(status)): \(output.suffix(2000))")
                        }
                        return try JSONDecoder().decode(Seen.self, from: Data(contentsOf: URL(fileURLWithPath: Self.artifacts + "/seen.json")))
                    }
                }
            }
            #expect(seen.unauthenticated_url == "/console/login")
            #expect(seen.bad_login.contains("token"), "\(seen.bad_login)")
            #expect(seen.after_login_url == "/console/home" && seen.home_page.contains("Việc cần làm"), "\(seen.home_page)")
            #expect(seen.runs_page.contains("Các đợt chi tháng \(period.month)/\(period.year)"), "\(seen.runs_page)")
            #expect(!seen.session_cookie_visible_to_scripts, "the session cookie is HttpOnly")
            #expect(seen.after_trigger_url == "/console/runs/31825/\(period)")
            #expect(seen.trigger_notice.contains("31825"), "\(seen.trigger_notice)")
            #expect(seen.states_seen.last == "computed", "\(seen.states_seen)")
            #expect(seen.operator_buttons == ["cancel"], "an operator may cancel, not approve: \(seen.operator_buttons)")
            #expect(seen.control_totals.contains("6"), "\(seen.control_totals)")
            #expect(seen.operator_approve == "Cán bộ vận hành không có quyền phê duyệt đợt chi.", "\(seen.operator_approve)")
            #expect(seen.state_after_operator_approve.contains("computed"))
            #expect(seen.without_csrf.contains("Biểu mẫu này đã hết hạn"), "\(seen.without_csrf)")
            #expect(seen.after_logout.contains("Đã đăng xuất"), "\(seen.after_logout)")
            #expect(seen.finance_buttons == ["approve", "cancel"], "\(seen.finance_buttons)")
            #expect(seen.approve_confirm_page.contains("Xác nhận phê duyệt") && seen.approve_confirm_page.contains("3.000.000 ₫")
                    && seen.approve_confirm_page.contains("Người khởi chạy"), "approving shows what will move first: \(seen.approve_confirm_page)")
            #expect(seen.approve_notice == "Đã phê duyệt: 6 khoản chi, 3.000.000 ₫.", "\(seen.approve_notice)")
            #expect(seen.state_after_approve.contains("approved") || seen.state_after_approve.contains("completed"))
            #expect(seen.run_problems.isEmpty, "\(seen.run_problems)")
            #expect(seen.report.contains("Tỷ lệ chi không dùng tiền mặt theo đơn vị") && seen.report.contains("Phường Bạc Liêu"), "\(seen.report)")
            #expect(seen.chart_bars >= 1)
            // Uploaded from Chromium's own form: the wrong file named by its line, the right one recorded.
            #expect(seen.cash_listed >= 1, "the cash list holds the month's cash")
            #expect(seen.cash_wrong_problem.hasPrefix("Chưa ghi nhận gì: tệp có 1 lỗi") && seen.cash_wrong_lines.first?.hasPrefix("Dòng 2: ") == true
                    && seen.cash_waiting_after_wrong == "\(seen.cash_listed)", "\(seen.cash_wrong_problem) \(seen.cash_wrong_lines)")
            #expect(seen.cash_notice.hasPrefix("Đã ghi nhận \(seen.cash_listed) khoản chi tiền mặt: \(seen.cash_listed) đã chi"), "\(seen.cash_notice)")
            #expect(seen.stages.contains("stage-cash stage done") && seen.stages.contains("stage-approved stage done"), "\(seen.stages)")
            // The month before's refused transfers, from the home page: the AC04 ones retried, the rest sent to cash.
            #expect(seen.failed_from_home.hasPrefix("/console/failed") && seen.failed_from_home.contains("district=31825"), "\(seen.failed_from_home)")
            #expect(seen.retry_confirm_page.contains("Xác nhận chuyển lại") && seen.retry_confirm_page.contains("Chỉ các khoản lỗi vì"),
                    "\(seen.retry_confirm_page)")
            #expect(seen.retry_notice == "Đã gửi lại 2 trên 2 khoản chuyển lỗi.", "\(seen.retry_notice)")
            #expect(seen.fallback_confirm_page.contains("Xác nhận chuyển sang tiền mặt"), "\(seen.fallback_confirm_page)")
            #expect(seen.fallback_notice == "Đã chuyển 1 trên 1 khoản chuyển lỗi sang danh sách chi tiền mặt của bưu điện.", "\(seen.fallback_notice)")
            #expect(seen.audit.contains("Chuyển lại các khoản lỗi")
                    && seen.audit.contains("Chuyển khoản lỗi sang tiền mặt") && seen.audit.contains("Xác nhận chi tiền mặt")
                    && seen.audit.contains("Trần Thị Bình"), "\(seen.audit)")
            #expect(seen.english_run.contains("Cash through the post office") && seen.english_run.contains("Calculation"), "\(seen.english_run)")
            #expect(seen.english_audit.contains("Failed transfers sent again") && seen.english_audit.contains("Failed transfers moved to cash"), "\(seen.english_audit)")
            #expect(seen.print_width.count == 2 && seen.print_width[0] <= seen.print_width[1],
                    "printed on A4 landscape the report is \(seen.print_width) px wide: every column on the paper")
            #expect(seen.print_hidden, "the menu and the month's form are not printed")
            #expect(seen.pdf_pages >= 1, "Chromium printed the report to a PDF (\(Self.artifacts)/report.pdf)")
            #expect(seen.lookup.contains("*********9012") && !seen.lookup_html.contains("0123456789012"), "account numbers masked")
            #expect(seen.lookup.contains("********6789") && !seen.lookup_html.contains("095123456789"), "CCCDs masked")
            #expect(seen.failed.contains("Chuyển khoản lỗi"), "\(seen.failed)")
            #expect(seen.english_heading.hasPrefix("Failed transfers of"), "\(seen.english_heading)")
            #expect(seen.widths.count == 32, "\(seen.widths)")
            for (page, measured) in seen.widths.sorted(by: { $0.key < $1.key }) {
                #expect(measured.count == 2 && measured[0] <= measured[1], "\(page): the page is \(measured[0]) px wide on a screen of \(measured[1])")
            }
            for screenshot in [seen.run_screenshot, seen.report_screenshot] {
                let size = (try FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? NSNumber)?.intValue ?? 0
                #expect(size > 10_000, "a real screenshot at \(screenshot)")
            }
        }
    }

    /// A month of unit 31825 computed and approved (nobody was eligible yet) into which three
    /// refused transfers are written as the rails would have left them: two AC04, one AC06.
    static func failedMonthBefore(_ period: Period, database: Database) async throws {
        _ = try await RunCoordinator(database: database).trigger(period: period, districts: ["31825"], by: .test("op", role: .operator),
                                                                 autoApprove: false)
        try await eventually("the month before computed") {
            try await RunStatus.list(period: period, districts: ["31825"], database: database).first?.state == .computed
        }
        _ = try await RunApproval.approve(district: "31825", period: period, by: .test("finance", role: .finance), database: database)
        try await database.client.query("""
            INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id,
                                       state, failure_reason, institution, account, account_name)
            SELECT f.person, r.period, '31825', r.id, 'btxh', 500000, 'bank', 'bank', 'CT31825' || to_char(r.period, 'YYYYMM') || 'N' || f.person,
                   'failed', f.reason, '970436', '0011' || f.person, 'NGUYEN VAN ' || f.person
            FROM runs r, (VALUES ('W1', 'AC04'), ('W3', 'AC04'), ('W4', 'AC06')) AS f(person, reason)
            WHERE r.unit_code = '31825' AND r.period = \(period)
            """)
    }

    struct Failure: Error, CustomStringConvertible { var text: String; var description: String { text } }
}
