@testable import ChitraAPI
import ChitraCore
import ChitraRails
import ChitraStore
import ChitraTesting
import Foundation
import Testing

/// The bank's statements in the console: finance uploads the paying account's camt.053, reads what
/// its entries did, and works the breaks (closed with a note); everything in Vietnamese.
extension ConsoleTests {
    static func statement(_ sequence: Int, entries: [BankStatement.Entry]) -> String {
        Camt053Writer.document(BankStatement(messageID: "M\(sequence)", statementID: "S\(sequence)", sequenceNumber: sequence,
                                             createdAt: "2026-05-20T23:59:59", account: "1234567890", institution: "970405", day: Day("2026-05-20")!,
                                             openingVND: 5_000_000, entries: entries))
    }

    @Test("finance takes a statement in from the console; an account of no unit of theirs is refused in Vietnamese; a break is listed and closed with a note")
    func statementsFromTheConsole() async throws {
        try await Self.withConsole { browser, other, url in
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Sao kê", .finance, districts: ["31825"]), url: url))
            var page = try await browser.send(.get, "/console/statements")
            #expect(page.text.contains(#"<a href="/console/statements">Sao kê</a>"#) && page.text.contains("Chưa nhập sao kê nào.")
                    && page.text.contains("Không có chênh lệch nào đang mở."), "\(page.text)")
            let csrf = Browser.csrf(page) ?? ""
            let unknown = BankStatement.Entry(servicerReference: "970405-1", amountVND: 250_000, direction: .debit, bookingDay: Day("2026-05-20")!,
                                              code: .transferSent, endToEndID: "CT31825202605NX9")
            // No unit of hers pays from the account yet: nothing taken in.
            _ = try await browser.upload("/console/statements", csrf: csrf, fileName: "sao-ke.xml", file: Self.statement(1, entries: [unknown]))
            page = try await browser.send(.get, "/console/statements")
            #expect(page.text.contains("Không có đơn vị nào của bạn chi trả từ tài khoản ****7890 tại ngân hàng 970405 ngày 20/5/2026; chưa nhập gì."),
                    "\(page.text)")
            try await TestPostgres.withRunning(url) { database in
                try await DistrictSettings.setPayingAccount(.init(name: "UBND Phường Bạc Liêu", account: "1234567890", bank: "970405"),
                                                            district: "31825", by: .test("admin", role: .admin), database: database)
            }
            _ = try await browser.upload("/console/statements", csrf: csrf, fileName: "sao-ke.xml", file: Self.statement(1, entries: [unknown]))
            page = try await browser.send(.get, "/console/statements")
            #expect(page.text.contains("Đã nhập 1 sao kê, 1 bút toán mới") && page.text.contains("1 chênh lệch cần xem xét")
                    && page.text.contains("Giao dịch lạ") && page.text.contains("CT31825202605NX9") && page.text.contains("1 chênh lệch</td>"),
                    "\(page.text)")
            let id = try #require(try await TestPostgres.withRunning(url) { try await StatementBreaks.list(database: $0).first?.id })
            // An operator of the unit may not work its breaks, whatever form she posts.
            _ = try await other.login(try await TestTokens.shared.token(for: TestPerson("Vận hành Sao kê", .operator, districts: ["31825"]), url: url))
            #expect(try await other.send(.get, "/console/statements").status == 403)
            let otherCsrf = Browser.csrf(try await other.send(.get, "/console/home")) ?? ""
            _ = try await other.send(.post, "/console/statements/breaks/\(id)/close", form: ["csrf": otherCsrf, "note": "xoá"])
            #expect(try await other.send(.get, "/console/home").text.contains("không có quyền"), "refused in Vietnamese")
            #expect(try await TestPostgres.withRunning(url) { try await StatementBreaks.list(database: $0).first?.state } == .open)
            // Closed only with a note.
            _ = try await browser.send(.post, "/console/statements/breaks/\(id)/close", form: ["csrf": csrf, "note": " "])
            page = try await browser.send(.get, "/console/statements")
            #expect(page.text.contains("Xin ghi rõ đã xử lý thế nào trước khi đóng chênh lệch."), "\(page.text)")
            _ = try await browser.send(.post, "/console/statements/breaks/\(id)/close", form: ["csrf": csrf, "note": "Ngân hàng xác nhận ghi nhầm"])
            page = try await browser.send(.get, "/console/statements")
            #expect(page.text.contains("Đã đóng chênh lệch số \(id).") && page.text.contains("Không có chênh lệch nào đang mở."), "\(page.text)")
            // The other session's form is refused.
            #expect(try await browser.upload("/console/statements", csrf: "forged", fileName: "x.xml", file: "<x/>").status == 403)
        }
    }

    @Test("a month paid out waits on finance's home page for the bank's statements, and its run shows the statements stage under way")
    func monthAwaitingStatements() async throws {
        try await Self.withConsole { browser, _, url in
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Tháng", .finance, districts: ["31825"]), url: url))
            let state = try await TestPostgres.withRunning(url) { database in
                let outcomes = try await RunCoordinator(database: database)
                    .trigger(period: Period("2026-05")!, districts: ["31825"], by: .test("op", role: .operator), autoApprove: false)
                guard case .started(_, let runID, _) = outcomes.first else { return RunState?.none }
                try await TestPostgres.withOwner(of: database) { owner in
                    try await owner.client.query("""
                        INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id, state)
                        VALUES ('B1', '2026-05-01', '31825', \(runID), 'btxh', 500000, 'bank', 'bank', 'CT31825202605NB1', 'submitted')
                        """)
                    try await owner.client.query("UPDATE disbursements SET state = 'paid' WHERE run_id = \(runID)")
                    try await owner.client.query("UPDATE runs SET state = 'approved' WHERE id = \(runID)")
                }
                return try await RunRails.completeIfSettled(runID: runID, database: database)
            }
            #expect(state == .paidOut)
            let home = try await browser.send(.get, "/console/home")
            #expect(home.text.contains("Tháng chờ đối chiếu sao kê ngân hàng") && home.text.contains("chờ sao kê của ngân hàng và xử lý chênh lệch")
                    && home.text.contains(#"href="/console/statements""#), "\(home.text)")
            let run = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(run.text.contains("Đối chiếu sao kê"), "\(run.text)")
        }
    }
}

