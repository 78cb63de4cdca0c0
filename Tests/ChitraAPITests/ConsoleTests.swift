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

/// The console's safety at the HTTP level: cookies, headers, CSRF, tenancy, sessions ended by
/// revocation, no open redirect, and words in both languages.
@Suite("Web console", .machine(limit: .minutes(3)))
struct ConsoleTests {
    struct Page { var status: Int; var headers: HTTPFields; var text: String }

    /// A browser's memory of one person: the cookies the console set.
    final class Browser: @unchecked Sendable {
        var cookies: [String: String] = [:]
        let client: any TestClientProtocol
        init(_ client: any TestClientProtocol) { self.client = client }

        func send(_ method: HTTPRequest.Method, _ path: String, form: [String: String]? = nil) async throws -> Page {
            var headers = HTTPFields()
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            var body: ByteBuffer?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(string: form.map { "\($0.key)=\(ConsoleURL.encode($0.value))" }.joined(separator: "&"))
            }
            let page = try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
                Page(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
            }
            for field in page.headers where field.name == .setCookie {
                let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
                cookies[name] = value.isEmpty ? nil : value
            }
            return page
        }

        /// The CSRF token of the page's first form.
        static func csrf(_ page: Page) -> String? {
            guard let range = page.text.range(of: #"name="csrf" value=""#) else { return nil }
            return String(page.text[range.upperBound...].prefix { $0 != "\"" })
        }

        func login(_ token: String) async throws -> Page {
            let form = try await send(.get, "/console/login")
            return try await send(.post, "/console/login", form: ["csrf": Self.csrf(form) ?? "", "token": token])
        }
    }

    static func withConsole(_ body: @Sendable (Browser, Browser, DatabaseURL) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "31825")
            file.add("K1", [.accountNumber: "", .paymentMethod: "cash"])
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "31825", by: .test("operator", role: .operator))
            _ = try await RunCoordinator(database: database).trigger(period: Period("2026-05")!, districts: ["31843"], by: .test("op", role: .operator), autoApprove: false)
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 4, logger: TestPostgres.logger) { pool in
                let server = APIServer(database: pool, requestsPerSecond: 10_000, burst: 10_000, console: try await ConsoleTemplates.load(),
                                       secureCookies: true, logger: TestPostgres.logger)
                try await Application(router: server.router()).test(.router) { client in
                    try await body(Browser(client), Browser(client), database.url)
                }
            }
        }
    }

    /// The unit's May 2026 triggered by "op" and computed by a worker (the fixture's 31843 run too).
    static func computeMay(of unit: String, _ url: DatabaseURL) async throws {
        try await TestPostgres.withRunning(url) { database in
            _ = try await RunCoordinator(database: database).trigger(period: Period("2026-05")!, districts: [unit],
                                                                     by: .test("op", role: .operator), autoApprove: false)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: try PolicyTable.bundled())) { _ in
                try await eventually("the run computed") {
                    try await RunStatus.list(period: Period("2026-05")!, districts: [unit], database: database).first?.state == .computed
                }
            }
        }
    }

    @Test("the session cookie is HttpOnly, SameSite=Strict and Secure; pages forbid framing and scripts; without a session, the login page")
    func cookiesAndHeaders() async throws {
        try await Self.withConsole { browser, _, url in
            var page = try await browser.send(.get, "/console/runs")
            #expect(page.status == 303 && page.headers[.location] == "/console/login?ended=1")
            let token = try await TestTokens.shared.token(for: TestPerson("Op Console", .operator, districts: ["31825"]), url: url)
            page = try await browser.login(token)
            #expect(page.status == 303 && page.headers[.location] == "/console/home")
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("chitra_session=") })
            for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/console"] { #expect(cookie.contains(attribute), "\(cookie)") }
            page = try await browser.send(.get, "/console/runs?period=2026-05")
            #expect(page.status == 200 && page.text.contains("Các đợt chi tháng 5/2026"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(!page.text.contains("<script"), "usable without JavaScript, and none is served")
            #expect(!page.text.contains(token), "the token never comes back")
        }
    }

    @Test("a form without the session's CSRF token changes nothing; the login form wants its own")
    func csrf() async throws {
        try await Self.withConsole { browser, _, url in
            // Login without the login form's token: back to the form, no session.
            let token = try await TestTokens.shared.token(for: TestPerson("Op CSRF", .operator, districts: ["31825"]), url: url)
            var page = try await browser.send(.post, "/console/login", form: ["token": token, "csrf": "forged"])
            #expect(page.status == 303 && browser.cookies["chitra_session"] == nil)
            page = try await browser.login(token)
            #expect(browser.cookies["chitra_session"] != nil)
            page = try await browser.send(.post, "/console/runs", form: ["district": "31825", "period": "2026-05"])
            #expect(page.status == 403 && page.text.contains("expired"), "\(page.text)")
            page = try await browser.send(.post, "/console/runs", form: ["district": "31825", "period": "2026-05", "csrf": "forged"])
            #expect(page.status == 403)
            let runs = try await TestPostgres.withRunning(url) { try await RunStatus.list(period: Period("2026-05")!, districts: ["31825"], database: $0) }
            #expect(runs.isEmpty, "nothing was triggered")
            // With it, the run starts.
            let form = try await browser.send(.get, "/console/runs?period=2026-05")
            page = try await browser.send(.post, "/console/runs", form: ["district": "31825", "period": "2026-05", "csrf": Browser.csrf(form) ?? ""])
            #expect(page.status == 303 && page.headers[.location] == "/console/runs/31825/2026-05")
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đơn vị 31825: đã khởi chạy đợt chi tháng 5/2026"), "\(page.text)")
        }
    }

    @Test("months as officials write them (07/2026), the role and the refusals in Vietnamese, a wrong month a page with its menu")
    func officialsWords() async throws {
        try await Self.withConsole { browser, _, url in
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Op Lời", .operator, districts: ["31825"]), url: url))
            var page = try await browser.send(.get, "/console/runs?period=05/2026")
            #expect(page.status == 200 && page.text.contains("Các đợt chi tháng 5/2026") && page.text.contains("Cán bộ vận hành"), "\(page.text.prefix(2000))")
            page = try await browser.send(.get, "/console/runs?period=13/2026")
            #expect(page.status == 400 && page.text.contains("Tháng viết dạng 07/2026 (hoặc 2026-07).") && page.text.contains("/console/failed"),
                    "a wrong month says how to write it, and the menu stays: \(page.text)")
            let form = try await browser.send(.get, "/console/runs?period=2026-05")
            page = try await browser.send(.post, "/console/runs", form: ["district": "31825", "period": "5/2026", "csrf": Browser.csrf(form) ?? ""])
            #expect(page.status == 303 && page.headers[.location] == "/console/runs/31825/2026-05")
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đơn vị 31825: đã khởi chạy đợt chi tháng 5/2026"), "\(page.text)")
            page = try await browser.send(.post, "/console/runs/31825/2026-05/approve", form: ["csrf": Browser.csrf(form) ?? ""])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Cán bộ vận hành không có quyền phê duyệt đợt chi."), "\(page.text)")
            page = try await browser.send(.get, "/console/runs/31843/2026-05")
            #expect(page.status == 404 && page.text.contains("Không có đơn vị 31843 trong phạm vi của bạn."), "\(page.text)")
        }
    }

    @Test("the runs page lists the units paying in the month, a hundred a page, and one province's when asked")
    func runsOfACountry() async throws {
        try await Self.withConsole { auditorBrowser, provinceBrowser, url in
            _ = try await auditorBrowser.login(try await TestTokens.shared.token(for: .auditor, url: url))
            var page = try await auditorBrowser.send(.get, "/console/runs?period=2026-05")
            #expect(page.status == 200 && page.text.contains("3.321 đơn vị chi trả trong tháng") && page.text.contains("Trang 1 / 34"), "\(page.text.prefix(3000))")
            #expect(page.text.components(separatedBy: "<tr><td>").count - 1 == 100, "a hundred units a page")
            #expect(!page.text.contains(">954<") && !page.text.contains("TP Bạc Liêu"), "districts pay no month of 2026")
            page = try await auditorBrowser.send(.get, "/console/runs?page=34&period=2026-05")
            #expect(page.text.contains("Trang 34 / 34") && page.text.components(separatedBy: "<tr><td>").count - 1 == 21, "3,321 = 33 × 100 + 21")
            page = try await auditorBrowser.send(.get, "/console/runs?period=2026-05&province=96")
            #expect(page.text.contains("64 đơn vị chi trả trong tháng") && !page.text.contains("Trang 1 /"))
            #expect(page.text.contains("31843") && page.text.contains("Xã Hồng Dân") && !page.text.contains("Phường Ba Đình"))
            // The province of Cà Mau sees its 64 communes in 2026, and its districts (Bạc Liêu's too) in 2025-06.
            _ = try await provinceBrowser.login(try await TestTokens.shared.token(for: .province, url: url))
            page = try await provinceBrowser.send(.get, "/console/runs?period=2026-05")
            #expect(page.text.contains("64 đơn vị chi trả trong tháng"), "\(page.text.prefix(2000))")
            page = try await provinceBrowser.send(.get, "/console/runs?period=2025-06")
            #expect(page.text.contains("16 đơn vị chi trả trong tháng") && page.text.contains("TP Bạc Liêu"), "\(page.text.prefix(2000))")
        }
    }

    @Test("another district's run is not found; the province reads the report and has no buttons; a revoked token ends the session")
    func tenancy() async throws {
        try await Self.withConsole { operatorBrowser, provinceBrowser, url in
            let token = try await TestTokens.shared.token(for: TestPerson("Op Tenancy", .operator, districts: ["31825"]), url: url)
            _ = try await operatorBrowser.login(token)
            var page = try await operatorBrowser.send(.get, "/console/runs/31843/2026-05")
            #expect(page.status == 404, "\(page.text)")
            page = try await operatorBrowser.send(.get, "/console/runs?period=2026-05")
            #expect(!page.text.contains("Hồng Dân"), "commune 31843 is not listed to 31825's operator")
            page = try await operatorBrowser.send(.get, "/console/beneficiaries?q=K")
            #expect(page.text.contains("K1"))

            let province = try await TestTokens.shared.token(for: TestPerson("Tỉnh Console", .province, province: "96"), url: url)
            _ = try await provinceBrowser.login(province)
            page = try await provinceBrowser.send(.get, "/console/runs/31843/2026-05")
            #expect(page.status == 200 && !page.text.contains("class=\"actions\""), "the province reads, with no actions")
            page = try await provinceBrowser.send(.get, "/console/report?period=2026-05")
            #expect(page.status == 200 && page.text.contains("<svg id=\"non-cash-chart\"") && page.text.contains("Hồng Dân"))

            try await TestPostgres.withRunning(url) { database in
                let id = try await Tokens.authenticate(token, database: database).tokenID!
                _ = try await Tokens.revoke(id: id, by: .test("admin", role: .admin), database: database)
            }
            page = try await operatorBrowser.send(.get, "/console/runs")
            #expect(page.status == 303 && page.headers[.location] == "/console/login?ended=1")
        }
    }

    @Test("the home page lists what waits for the person first (finance: the run to approve, with its amount), others' work after, nothing when nothing waits")
    func homePage() async throws {
        try await Self.withConsole { browser, other, url in
            try await Self.computeMay(of: "31825", url)
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Nhà", .finance, districts: ["31825"]), url: url))
            var page = try await browser.send(.get, "/console")
            #expect(page.status == 303 && page.headers[.location] == "/console/home")
            page = try await browser.send(.get, "/console/home")
            #expect(page.status == 200 && page.text.contains("Đợt chi chờ phê duyệt</h2>") && page.text.contains("tháng 5/2026")
                    && page.text.contains("/console/runs/31825/2026-05") && page.text.contains("1 khoản chi") && page.text.contains("người khởi chạy op"),
                    "\(page.text)")
            #expect(!page.text.contains("việc của người khác"), "finance's own work: \(page.text)")
            _ = try await other.login(try await TestTokens.shared.token(for: TestPerson("Op Nhà", .operator, districts: ["31825"]), url: url))
            page = try await other.send(.get, "/console/home")
            #expect(page.text.contains("Đợt chi chờ phê duyệt <small>(việc của người khác)</small>"), "\(page.text)")
            let idle = Browser(browser.client)
            _ = try await idle.login(try await TestTokens.shared.token(for: TestPerson("Op Rảnh", .operator, districts: ["00004"]), url: url))
            page = try await idle.send(.get, "/console/home")
            #expect(page.text.contains("Không có việc nào đang chờ.") && !page.text.contains("/console/runs/31825"), "\(page.text)")
        }
    }

    @Test("approving shows the count, amount, split, who triggered and the month before, and asks; an approval without those figures or with others approves nothing")
    func approvalConfirmed() async throws {
        try await Self.withConsole { browser, _, url in
            try await Self.computeMay(of: "31825", url)
            _ = try await browser.login(try await TestTokens.shared.token(for: TestPerson("Kế toán Duyệt", .finance, districts: ["31825"]), url: url))
            var page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains(#"<form method="get" action="/console/runs/31825/2026-05/approve"><button type="submit" id="approve">"#), "\(page.text)")
            page = try await browser.send(.get, "/console/runs/31825/2026-05/approve")
            let amount = try #require(page.text.firstMatch(of: /name="amount" value="(\d+)"/)?.1).description
            #expect(page.status == 200 && page.text.contains("Xác nhận phê duyệt") && page.text.contains("Tiền mặt")
                    && page.text.contains("Bảo trợ xã hội") && page.text.contains("Người khởi chạy: op")
                    && page.text.contains("Đơn vị không có đợt chi tháng trước để so sánh.") && page.text.contains(#"name="count" value="1""#),
                    "\(page.text)")
            let csrf = Browser.csrf(page) ?? ""
            page = try await browser.send(.post, "/console/runs/31825/2026-05/approve", form: ["csrf": csrf])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Xin xem lại số liệu và bấm xác nhận trước khi tiền được chuyển.") && page.text.contains("state computed"),
                    "\(page.text)")
            page = try await browser.send(.post, "/console/runs/31825/2026-05/approve", form: ["csrf": csrf, "count": "2", "amount": amount])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đợt chi đã thay đổi từ lúc bạn xem") && page.text.contains("state computed"), "\(page.text)")
            page = try await browser.send(.post, "/console/runs/31825/2026-05/approve", form: ["csrf": csrf, "count": "1", "amount": amount])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("Đã phê duyệt: 1 khoản chi"), "\(page.text)")
            // Approved, it has nothing left to confirm: the page says so instead of offering the button.
            page = try await browser.send(.get, "/console/runs/31825/2026-05/approve")
            #expect(page.status == 409 && page.text.contains("Đợt chi của đơn vị 31825 tháng 5/2026 đang ở trạng thái “")
                    && page.text.contains("”; chỉ đợt chi chờ phê duyệt mới phê duyệt được.") && !page.text.contains("only a computed run")
                    && !page.text.contains(#"id="confirm""#), "\(page.text)")
            // Approved, the runs list shows its payments' progress, not its finished calculation.
            page = try await browser.send(.get, "/console/runs?period=05/2026")
            #expect(page.text.contains("/ 1 đã chi xong") && !page.text.contains("1 / 1 đã tính"), "\(page.text)")
            // Cancelling it now: refused in Vietnamese too; resuming a run that did not fail likewise.
            page = try await browser.send(.post, "/console/runs/31825/2026-05/cancel", form: ["csrf": csrf])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("”; chỉ hủy được đợt chi chưa phê duyệt.")
                    && !page.text.contains("only a run not yet approved"), "\(page.text)")
            page = try await browser.send(.post, "/console/runs/31825/2026-05/resume", form: ["csrf": csrf])
            page = try await browser.send(.get, "/console/runs/31825/2026-05")
            #expect(page.text.contains("chỉ tiếp tục được đợt chi bị lỗi."), "\(page.text)")
        }
    }

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

    @Test("the language switch returns only to a page of the console; both languages have every word")
    func languageAndWords() async throws {
        #expect(Set(ConsoleTexts.vietnamese.keys) == Set(ConsoleTexts.english.keys))
        for action in ConsoleAuditWords.recordedActions {
            #expect(ConsoleTexts.vietnamese["action." + action.rawValue] != nil, "action.\(action.rawValue)")
        }
        for state in RunState.allCases.map(\.rawValue) + DisbursementState.allCases.map(\.rawValue) + ["none"] {
            #expect(ConsoleTexts.vietnamese["state." + state] != nil, "state.\(state)")
        }
        try await Self.withConsole { browser, _, _ in
            for back in ["//evil.example/x", "https://evil.example/", "/console/../../x\\y", "/elsewhere"] {
                let page = try await browser.send(.get, "/console/language?to=en&back=\(ConsoleURL.encode(back))")
                #expect(page.status == 303 && page.headers[.location]?.hasPrefix("/console/") == true && page.headers[.location]?.contains("evil") == false,
                        "\(back) → \(page.headers[.location] ?? "")")
            }
            #expect(browser.cookies["chitra_lang"] == "en")
            let page = try await browser.send(.get, "/console/login")
            #expect(page.text.contains("Log in to Chitra") && page.text.contains("<html lang=\"en\">"))
        }
    }
}
