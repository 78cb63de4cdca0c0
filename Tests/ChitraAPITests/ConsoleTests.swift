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

    static func withConsole(elapsed: (@Sendable () -> Duration)? = nil,
                            _ body: @Sendable (Browser, Browser, DatabaseURL) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "31825")
            file.add("K1", [.accountNumber: "", .paymentMethod: "cash"])
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "31825", by: .test("operator", role: .operator))
            _ = try await RunCoordinator(database: database).trigger(period: Period("2026-05")!, districts: ["31843"], by: .test("op", role: .operator), autoApprove: false)
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 4, logger: TestPostgres.logger) { pool in
                let server = APIServer(database: pool, requestsPerSecond: 10_000, burst: 10_000, console: try await ConsoleTemplates.load(),
                                       secureCookies: true, elapsed: elapsed, logger: TestPostgres.logger)
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
            #expect(page.status == 403 && page.text.contains("Biểu mẫu này đã hết hạn; xin tải lại trang rồi làm lại."), "\(page.text)")
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

    @Test("another district's run is not found; the province reads the report and has no buttons; a revoked token reads nothing at once and ends the session within the token cache's lifetime")
    func tenancy() async throws {
        let time = ManualClock()
        try await Self.withConsole(elapsed: { time.now.offset }) { operatorBrowser, provinceBrowser, url in
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
            // The API verified the token a moment ago and still believes it; the database does not:
            // not one row of the unit shows.
            page = try await operatorBrowser.send(.get, "/console/beneficiaries?q=K")
            #expect(page.status != 200 || !page.text.contains("K1"), "a revoked token reads nothing, at once\n\(page.text)")
            time.advance(by: TokenCache.lifetime)
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
