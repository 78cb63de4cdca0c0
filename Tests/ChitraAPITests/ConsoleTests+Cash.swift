@testable import ChitraAPI
import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The month's cash in the console: the post office's list downloaded, its confirmations uploaded
/// (a wrong line refused by its number with nothing changed, then the right file), failed
/// transfers sent to cash and the cash closed, each after a page that shows what moves.
extension ConsoleTests {
    @Test("finance downloads the cash list, uploads the post office's file (a wrong line named, nothing changed; then the right one) and the run completes")
    func cashConfirmedFromTheConsole() async throws {
        try await Self.withConsole { browser, _, url in
            try await Self.computeMay(of: "31825", url)
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Tiền mặt", .finance, districts: ["31825"]), url: url))
            try await Self.approve(browser)
            var page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains(#"<section id="cash">"#) && page.text.contains("Đang chờ bưu điện xác nhận")
                    && page.text.contains(#"<strong id="cash-waiting">1</strong>"#) && page.text.contains(#"enctype="multipart/form-data""#)
                    && page.text.contains(#"action="/console/runs/31825/2026-05/close-cash""#), "\(page.text)")
            let list = try await browser.send(.get, "/console/runs/31825/2026-05/cash-list")
            #expect(list.status == 200 && list.headers[.contentType]?.hasPrefix("text/csv") == true, "\(list.text)")
            let rows = list.text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(list.text.hasPrefix("\u{FEFF}"), "a BOM, for Excel")
            let header = try #require(rows.first).map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
            let row = try #require(rows.dropFirst().first { $0.contains("K1") })
            let e2e = row[try #require(header.firstIndex(of: "end_to_end_id"))]
            let amount = row[try #require(header.firstIndex(of: "amount_vnd"))]
            #expect(e2e == "CT31825202605NK1" && Int64(amount) ?? 0 > 0, "\(list.text)")
            let csrf = Browser.csrf(page) ?? ""
            let columns = "end_to_end_id,beneficiary_id,amount_vnd,status,paid_on,received_by\n"
            // A wrong amount: refused by its line, in Vietnamese, and nothing recorded.
            _ = try await browser.upload("/console/runs/31825/2026-05/cash-confirmations", csrf: csrf, fileName: "buu-dien-05.csv",
                                         file: columns + "\(e2e),K1,1,paid,2026-05-20,Nguyễn Văn K\n")
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Chưa ghi nhận gì: tệp có 1 lỗi") && page.text.contains(#"<ul class="problem-lines" id="flash-lines">"#)
                    && page.text.contains("Dòng 2: \(e2e) có số tiền") && page.text.contains(#"<strong id="cash-waiting">1</strong>"#)
                    && !page.text.contains("is of"), "\(page.text)")
            // No file, or another session's form: nothing either.
            _ = try await browser.upload("/console/runs/31825/2026-05/cash-confirmations", csrf: csrf, fileName: "", file: "")
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Xin chọn tệp xác nhận của bưu điện (CSV) trước khi gửi."), "\(page.text)")
            let forged = try await browser.upload("/console/runs/31825/2026-05/cash-confirmations", csrf: "forged", fileName: "b.csv",
                                                  file: columns + "\(e2e),K1,\(amount),paid,2026-05-20,Nguyễn Văn K\n")
            #expect(forged.status == 403, "\(forged.text)")
            // The right file.
            _ = try await browser.upload("/console/runs/31825/2026-05/cash-confirmations", csrf: csrf, fileName: "buu-dien-05.csv",
                                         file: columns + "\(e2e),K1,\(amount),paid,2026-05-20,Nguyễn Văn K\n")
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đã ghi nhận 1 khoản chi tiền mặt: 1 đã chi, 0 không tìm thấy người nhận")
                    && page.text.contains("Đợt chi đã hoàn tất") && page.text.contains("state completed"), "\(page.text)")
            try await TestPostgres.withRunning(url) { database in
                let states = try await database.client.query("SELECT state FROM disbursements WHERE unit_code = '31825' AND period = '2026-05-01'")
                var seen: [String] = []
                for try await state in states.decode(String.self) { seen.append(state) }
                #expect(seen == ["paid_cash"])
            }
            // The same file again changes nothing, and says so.
            _ = try await browser.upload("/console/runs/31825/2026-05/cash-confirmations", csrf: csrf, fileName: "buu-dien-05.csv",
                                         file: columns + "\(e2e),K1,\(amount),paid,2026-05-20,Nguyễn Văn K\n")
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(!page.text.contains(#"id="cash-upload""#), "nothing waits: no upload form\n\(page.text)")
        }
    }

    @Test("closing the month's cash shows what is returned and asks; a count that changed closes nothing; an operator may download the list but not close")
    func cashClosedFromTheConsole() async throws {
        try await Self.withConsole { browser, other, url in
            try await Self.computeMay(of: "31825", url)
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Chốt", .finance, districts: ["31825"]), url: url))
            try await Self.approve(browser)
            _ = try await other.login(try await TestTokens.shared.token(for: TestPerson("Cán bộ", .operator, districts: ["31825"]), url: url))
            var page = try await other.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains(#"id="cash-list""#) && !page.text.contains(#"id="cash-upload""#) && !page.text.contains("close-cash"), "\(page.text)")
            page = try await other.send(.get, "/console/runs/31825/2026-05/close-cash")
            #expect(page.status == 403, "\(page.text)")
            page = try await browser.send(.get, "/console/runs/31825/2026-05/close-cash")
            #expect(page.status == 200 && page.text.contains("Chốt chi tiền mặt của tháng") && page.text.contains("Chờ bưu điện xác nhận")
                    && page.text.contains("bị trả lại") && page.text.contains(#"name="count" value="1""#), "\(page.text)")
            let csrf = Browser.csrf(page) ?? ""
            _ = try await browser.send(.post, "/console/runs/31825/2026-05/close-cash", form: ["csrf": csrf, "count": "2"])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Các khoản tiền mặt chờ xác nhận đã thay đổi từ lúc bạn xem (2 khoản; nay 1)")
                    && page.text.contains(#"<strong id="cash-waiting">1</strong>"#), "\(page.text)")
            _ = try await browser.send(.post, "/console/runs/31825/2026-05/close-cash", form: ["csrf": csrf, "count": "1"])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đã chốt chi tiền mặt tháng 5/2026 của đơn vị 31825: 1 khoản chưa được xác nhận")
                    && page.text.contains("state completed"), "\(page.text)")
            page = try await browser.send(.get, "/console/audit?unit=31825")
            let entries = page.text.components(separatedBy: #"<table id="audit">"#).last ?? ""
            #expect(entries.contains("Chốt chi tiền mặt") && entries.contains("Kế toán Chốt"), "the closing is in the log's entries\n\(entries)")
        }
    }

    @Test("failed transfers go to the post office's list after a page that shows them by reason, all or those of one reason from the failed list; the list changed since: nothing moves")
    func fallbackFromTheConsole() async throws {
        try await Self.withConsole { browser, _, url in
            try await Self.computeMay(of: "31825", url)
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Lỗi", .finance, districts: ["31825"]), url: url))
            try await Self.approve(browser)
            try await TestPostgres.withRunning(url) { database in
                try await database.client.query("""
                    INSERT INTO disbursements (beneficiary_id, period, unit_code, run_id, program, amount_vnd, method, rail, end_to_end_id,
                                               state, failure_reason, institution, account, account_name)
                    SELECT f.person, '2026-05-01', '31825', r.id, 'btxh', 500000, 'bank', 'bank', 'CT31825202605N' || f.person, 'failed', f.reason,
                           '970436', '0011', 'X'
                    FROM runs r, (VALUES ('F1', 'AC06'), ('F2', 'AC04')) AS f(person, reason)
                    WHERE r.unit_code = '31825' AND r.period = '2026-05-01'
                    """)
            }
            var page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains(#"action="/console/runs/31825/2026-05/fallback""#), "\(page.text)")
            // From the failed list narrowed to one reason: those alone.
            page = try await browser.send(.get, "/console/failed?period=05/2026&district=31825&reason=AC04")
            #expect(page.text.contains(#"href="/console/runs/31825/2026-05/fallback?reason=AC04" id="selection-fallback""#)
                    && page.text.contains(#"id="selection-retry""#), "\(page.text)")
            page = try await browser.send(.get, "/console/runs/31825/2026-05/fallback?reason=AC04")
            #expect(page.status == 200 && page.text.contains(#"name="count" value="1""#) && page.text.contains(#"name="reason" value="AC04""#)
                    && page.text.contains("Chỉ các khoản lỗi vì") && !page.text.contains("Tài khoản bị phong tỏa."), "\(page.text)")
            var csrf = Browser.csrf(page) ?? ""
            _ = try await browser.send(.post, "/console/runs/31825/2026-05/fallback", form: ["csrf": csrf, "count": "1", "reason": "AC04"])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đã chuyển 1 trên 1 khoản chuyển lỗi sang danh sách chi tiền mặt của bưu điện."), "\(page.text)")
            page = try await browser.send(.get, "/console/runs/31825/2026-05/fallback?reason=ac4")
            #expect(page.status == 400 && page.text.contains("Mã lý do gồm 4 chữ in hoa"), "\(page.text)")
            // The rest, all reasons: shown by reason, and moved only with the figures shown.
            page = try await browser.send(.get, "/console/runs/31825/2026-05/fallback")
            #expect(page.status == 200 && page.text.contains("Chuyển các khoản lỗi sang chi tiền mặt") && page.text.contains("Tài khoản bị phong tỏa.")
                    && page.text.contains("danh sách chi tiền mặt của bưu điện") && page.text.contains(#"name="count" value="1""#), "\(page.text)")
            csrf = Browser.csrf(page) ?? ""
            _ = try await browser.send(.post, "/console/runs/31825/2026-05/fallback", form: ["csrf": csrf])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Xin xem lại số liệu và bấm xác nhận trước khi tiền được chuyển."), "\(page.text)")
            _ = try await browser.send(.post, "/console/runs/31825/2026-05/fallback", form: ["csrf": csrf, "count": "2"])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Các chuyển khoản lỗi đã thay đổi từ lúc bạn xem (2 khoản; nay 1)"), "\(page.text)")
            _ = try await browser.send(.post, "/console/runs/31825/2026-05/fallback", form: ["csrf": csrf, "count": "1"])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đã chuyển 1 trên 1 khoản chuyển lỗi sang danh sách chi tiền mặt của bưu điện.")
                    && page.text.contains(#"<strong id="cash-waiting">3</strong>"#) && !page.text.contains(#"/fallback""#), "\(page.text)")
            page = try await browser.send(.get, "/console/failed?period=05/2026&district=31825")
            #expect(!page.text.contains(#"id="selection""#), "nothing failed is left to act on\n\(page.text)")
        }
    }

    /// The unit's May approved through the console (its confirm page's figures posted back).
    static func approve(_ browser: Browser) async throws {
        let page = try await browser.send(.get, "/console/runs/31825/2026-05/approve")
        let amount = try #require(page.text.firstMatch(of: /name="amount" value="(\d+)"/)?.1).description
        let count = try #require(page.text.firstMatch(of: /name="count" value="(\d+)"/)?.1).description
        _ = try await browser.send(.post, "/console/runs/31825/2026-05/approve", form: ["csrf": Browser.csrf(page) ?? "", "count": count, "amount": amount])
    }
}

extension ConsoleTests.Browser {
    /// A form with a file, as a browser sends it (`multipart/form-data`).
    func upload(_ path: String, csrf: String, fileName: String, file: String) async throws -> ConsoleTests.Page {
        let boundary = "----ChitraTestBoundary7MA4YWxkTrZu0gW"
        var body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n"
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\nContent-Type: text/csv\r\n\r\n\(file)\r\n"
        body += "--\(boundary)--\r\n"
        var headers = HTTPFields()
        headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            ConsoleTests.Page(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        }
    }
}
