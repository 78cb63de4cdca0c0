@testable import ChitraAPI
import ChitraCore
import ChitraRails
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What the console says in words where the data holds codes: failure reasons, a person's page,
/// the audit log (in both languages).
extension ConsoleTests {
    @Test("a failed transfer's reason in words with what to do next, in both languages; a reason code filters the list")
    func reasonsInWords() async throws {
        #expect(ReasonTexts.temporaryCodes == RejectionReason.temporaryCodes, "the console's kinds are the rails' kinds")
        #expect(Set(ReasonTexts.vietnamese.keys) == Set(ReasonTexts.english.keys))
        try await Self.withConsole { browser, _, url in
            try await TestPostgres.withRunning(url) { database in
                var file = RegisterFileBuilder(district: "31843")
                file.add("F1", [.fullName: "=HYPERLINK(\"http://x\")"])
                _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                    .importFile(at: try file.write(), district: "31843", by: .test("operator", role: .operator))
                try await database.client.query("""
                    INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id,
                                               state, failure_reason)
                    SELECT f.person, '2026-05-01', '31843', r.id, 'btxh', 500000, 'bank', 'bank', 'CT31843202605N' || f.person, 'failed', f.reason
                    FROM runs r, (VALUES ('F1', 'AC06'), ('F2', 'AM04'), ('F3', 'XY99')) AS f(person, reason) WHERE r.unit_code = '31843'
                    """)
            }
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán", .finance, districts: ["31843"]), url: url))
            var page = try await browser.send(.get, "/console/failed?period=05/2026")
            #expect(page.status == 200 && page.text.contains("Tài khoản bị phong tỏa.") && page.text.contains("CCCD hết hạn")
                    && page.text.contains("Tài khoản chi của đơn vị không đủ tiền.") && page.text.contains("Nạp thêm tiền")
                    && page.text.contains("Ngân hàng từ chối khoản này") && page.text.contains("Tổng: 3 chuyển khoản, 1.500.000 ₫"), "\(page.text)")
            page = try await browser.send(.get, "/console/failed?period=05/2026&reason=AM04")
            // Names as the page links them (a token's hex may hold "F3" anywhere).
            #expect(page.text.contains("?q=F2\"") && !page.text.contains("?q=F1\"") && !page.text.contains("?q=F3\""), "\(page.text)")
            // The whole list as a spreadsheet opens it: a BOM, the header in the page's language, no cell taken for a formula.
            page = try await browser.send(.get, "/console/failed.csv?period=05/2026")
            #expect(page.status == 200 && page.headers[.contentType] == "text/csv; charset=utf-8", "\(page.headers)")
            let lines = page.text.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 4 && lines[0] == "\u{FEFF}Đơn vị,Mã đối tượng,Họ tên,Số tiền (đồng),Hình thức,Ngân hàng hoặc ví,Mã lý do,Lý do,Số lần gửi,Mã giao dịch",
                    "\(lines)")
            #expect(lines[1].hasPrefix("31843,F1,\"'=HYPERLINK(\"\"http://x\"\")\",500000,Ngân hàng,,AC06,Tài khoản bị phong tỏa.,0,"), "\(lines[1])")
            page = try await browser.send(.get, "/console/failed?period=05/2026&reason=am4")
            #expect(page.status == 400 && page.text.contains("Mã lý do gồm 4 chữ in hoa hoặc chữ số, ví dụ AC01."), "\(page.text)")
            page = try await browser.send(.get, "/console/runs/31843/2026-05")
            #expect(page.text.contains("reason=AC06\">Tài khoản bị phong tỏa.</a>"), "\(page.text)")
            // The runs list counts a unit's failed transfers, linked to their list.
            page = try await browser.send(.get, "/console/runs?period=05/2026")
            #expect(page.text.contains(#"class="failed-count">3</a>"#) && page.text.contains("district=31843"), "\(page.text)")
            _ = try await browser.send(.get, "/console/language?to=en&back=/console/failed")
            page = try await browser.send(.get, "/console/failed?period=2026-05")
            #expect(page.text.contains("The account is blocked.") && page.text.contains("payment account, then retry the failed transfers"), "\(page.text)")
        }
    }

    @Test("a person's page says in words what the register holds in codes: programme and category, method, bank, recipient, commune, months; the codes stay beside in small type")
    func personInWords() async throws {
        try await Self.withConsole { browser, _, url in
            try await TestPostgres.withRunning(url) { database in
                var file = RegisterFileBuilder(district: "31843")
                file.add("W1", [.paymentMethod: "bank", .bankCode: "970436", .accountNumber: "0123456789", .accountName: "W1",
                                .recipient: "authorized", .recipientName: "Lê Văn Nhận", .recipientCCCD: "095987654321"])
                _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                    .importFile(at: try file.write(), district: "31843", by: .test("operator", role: .operator))
            }
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Op Chữ", .operator, districts: ["31843"]), url: url))
            var page = try await browser.send(.get, "/console/beneficiaries?q=W1")
            for words in ["Bảo trợ xã hội", "Người từ 80 tuổi không có lương hưu, trợ cấp bảo hiểm xã hội", "Ngân hàng", "Vietcombank",
                          "Người được ủy quyền", "Xã Hồng Dân"] {
                #expect(page.text.contains(words), "\(words) missing from \(page.text)")
            }
            for code in [">btxh", ">bank<", ">authorized", "· cao_tuoi_80"] {
                #expect(!page.text.contains(code), "\(code) shown as a word")
            }
            #expect(page.text.contains("<small class=\"code\">970436</small>") && page.text.contains("<small class=\"code\">31843</small>"))
            _ = try await browser.send(.get, "/console/language?to=en&back=/console/beneficiaries")
            page = try await browser.send(.get, "/console/beneficiaries?q=W1")
            for words in ["Social assistance", "Aged 80+ without pension", "Bank", "An authorised person"] {
                #expect(page.text.contains(words), "\(words) missing from \(page.text)")
            }
            // The report's total row in the page's language too.
            page = try await browser.send(.get, "/console/report?period=2026-05")
            #expect(page.text.contains("Whole province") && !page.text.contains("Toàn tỉnh"), "\(page.text)")
        }
    }

    @Test("a person's page says how their latest month went: a transfer fallen back to cash shows as cash from its rail, and the bank's word that they died or that the account is blocked shows as a warning with what to do")
    func personWarnings() async throws {
        try await Self.withConsole { browser, _, url in
            try await TestPostgres.withRunning(url) { database in
                var file = RegisterFileBuilder(district: "31843")
                for person in ["G1", "G2", "G3"] { file.add(person, [.paymentMethod: "bank", .bankCode: "970436", .accountNumber: "0123456789", .accountName: person]) }
                _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                    .importFile(at: try file.write(), district: "31843", by: .test("operator", role: .operator))
                // G1's May fell back to cash and was paid there; G2's May: the bank says G2 died; G3's: paid by bank.
                try await database.client.query("""
                    INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id,
                                               state, failure_reason)
                    SELECT f.person, '2026-05-01', '31843', r.id, 'btxh', 500000, 'bank', 'bank', 'CT31843202605N' || f.person, f.state, f.reason
                    FROM runs r, (VALUES ('G1', 'paid_cash', 'AC01'), ('G2', 'failed', 'MD07'), ('G3', 'paid', NULL)) AS f(person, state, reason)
                    WHERE r.unit_code = '31843'
                    """)
            }
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Op Cảnh báo", .operator, districts: ["31843"]), url: url))
            var page = try await browser.send(.get, "/console/beneficiaries?q=G1")
            #expect(page.text.contains("Ngân hàng; tháng 5/2026: Tiền mặt (chuyển từ ngân hàng)")
                    && page.text.contains("<td>Tiền mặt (chuyển từ ngân hàng)</td>") && !page.text.contains("role=\"alert\""), "\(page.text)")
            page = try await browser.send(.get, "/console/beneficiaries?q=G2")
            #expect(page.text.contains("⚠ tháng 5/2026: Người hưởng đã mất.") && page.text.contains("role=\"alert\""), "\(page.text)")
            page = try await browser.send(.get, "/console/beneficiaries?q=G3")
            #expect(!page.text.contains("role=\"alert\"") && !page.text.contains("chuyển từ") && page.text.contains("<td>Ngân hàng</td>"), "\(page.text)")
            _ = try await browser.send(.get, "/console/language?to=en&back=/console/beneficiaries")
            page = try await browser.send(.get, "/console/beneficiaries?q=G1")
            #expect(page.text.contains("Bank; 2026-05: Cash (fell back from bank)"), "\(page.text)")
            page = try await browser.send(.get, "/console/beneficiaries?q=G2")
            #expect(page.text.contains("⚠ 2026-05: The beneficiary has died."), "\(page.text)")
        }
    }

    @Test("the audit log in words for finance, the province and auditors: who, what, where, when; filtered by unit, person, action and day, a page at a time; an operator is refused")
    func auditPage() async throws {
        try await Self.withConsole { browser, other, url in
            try await Self.computeMay(of: "31825", url)
            // Finance of 31825: the unit's import and trigger, in words; not 31843's trigger.
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Nhật ký", .finance, districts: ["31825"]), url: url))
            var page = try await browser.send(.get, "/console/home")
            #expect(page.text.contains(#"<a href="/console/audit">Nhật ký</a>"#), "the menu leads to it")
            page = try await browser.send(.get, "/console/audit")
            #expect(page.status == 200 && page.text.contains("Nhật ký thao tác") && page.text.contains("Khởi chạy đợt chi <small class=\"code\">run.trigger</small>")
                    && page.text.contains("Nhập danh sách đối tượng <small class=\"code\">import</small>") && page.text.contains("tháng 5/2026")
                    && page.text.contains("Trạng thái: Đang lập kế hoạch") && page.text.contains("<td>đợt chi ") && page.text.contains("<td>lần nhập ")
                    && page.text.contains("Cán bộ vận hành") && !page.text.contains("31843"), "\(page.text)")
            // By action, by person, by day (typed either way).
            page = try await browser.send(.get, "/console/audit?action=import")
            #expect(page.text.contains(#"code">import<"#) && !page.text.contains(#"code">run.trigger<"#), "\(page.text)")
            page = try await browser.send(.get, "/console/audit?q=OPERATOR")
            #expect(page.text.contains(#"code">import<"#) && !page.text.contains(#"code">run.trigger<"#), "the importer's name, not op's: \(page.text)")
            let today = VietnamTime.today()
            page = try await browser.send(.get, "/console/audit?from=\(today.day)/\(today.period.month)/\(today.period.year)&to=\(today)")
            #expect(page.text.contains(#"code">import<"#) && page.text.contains(#"code">run.trigger<"#), "\(page.text)")
            let tomorrow = VietnamTime.today(Date().addingTimeInterval(86_400))
            page = try await browser.send(.get, "/console/audit?from=\(tomorrow)")
            #expect(page.text.contains("Không có mục nào khớp.") && !page.text.contains(#"code">import<"#), "\(page.text)")
            page = try await browser.send(.get, "/console/audit?from=32/1/2026")
            #expect(page.status == 400 && page.text.contains("Ngày viết theo dạng 5/7/2026 hoặc 2026-07-05.") && page.text.contains("/console/audit"),
                    "\(page.text)")
            page = try await browser.send(.get, "/console/audit?action=read")
            #expect(page.status == 400 && page.text.contains("Không có thao tác này trong nhật ký."), "\(page.text)")
            page = try await browser.send(.get, "/console/audit?unit=31843")
            #expect(page.status == 404 && !page.text.contains(#"code">run.trigger<"#), "another unit's log: \(page.status) \(page.text)")
            // In English, the same entries in English words.
            _ = try await browser.send(.get, "/console/language?to=en&back=%2Fconsole%2Faudit")
            page = try await browser.send(.get, "/console/audit")
            #expect(page.text.contains("Run triggered") && page.text.contains("State: Planning") && page.text.contains("Register imported")
                    && page.text.contains("<td>run ") && page.text.contains("2026-05"), "\(page.text)")
            // The province reads both units' entries.
            _ = try await other.login(try await TestTokens.shared.token(for: TestPerson("Tỉnh Nhật ký", .province, province: "96"), url: url))
            page = try await other.send(.get, "/console/audit?action=run.trigger")
            #expect(page.text.contains("<td>31843</td>") && page.text.contains("<td>31825</td>"), "\(page.text)")
            // An operator is refused, and has no link to it.
            let operatorBrowser = Browser(browser.client)
            _ = try await operatorBrowser.login(try await TestTokens.shared.token(for: TestPerson("Vận hành", .operator, districts: ["31825"]), url: url))
            page = try await operatorBrowser.send(.get, "/console/audit")
            #expect(page.status == 403 && page.text.contains("Bạn không có quyền làm việc này.") && !page.text.contains(#"href="/console/audit""#),
                    "\(page.text)")
        }
        // A page at a time, newest first: the next page starts after the last entry shown.
        try await TestPostgres.withDatabase { database in
            for unit in ["31825", "31843", "31867"] {
                _ = try await RunCoordinator(database: database).trigger(period: Period("2026-05")!, districts: [unit], by: .test("op", role: .operator),
                                                                         autoApprove: false)
            }
            let first = try await AuditLog.page(.init(action: .triggerRun), limit: 2, database: database)
            #expect(first.entries.map(\.district) == ["31867", "31843"])
            let second = try await AuditLog.page(.init(action: .triggerRun, before: first.nextBefore), limit: 2, database: database)
            #expect(second.entries.map(\.district) == ["31825"] && second.nextBefore == nil)
        }
    }
}
