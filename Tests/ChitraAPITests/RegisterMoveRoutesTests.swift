@testable import ChitraAPI
import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Moving an abolished district's register through the API and the console, as `chitra units move` does.
@Suite("Register moves over HTTP", .machine(limit: .minutes(2)))
struct RegisterMoveRoutesTests {
    /// District 964 of old Cà Mau with two people: one in a commune with one successor (32002), one
    /// in a commune the lineage splits (32017: 32025 or 32041).
    static func withDistrict964(_ body: @Sendable (any TestClientProtocol, DatabaseURL) async throws -> Void) async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "964")
            file.add("M1", [.communeCode: "32002"])
            file.add("M2", [.communeCode: "32017", .fullName: "Trần Thị Chờ"])
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "964", by: .test("operator", role: .operator))
            try await Database.withRunning(try await TestPostgres.apiURL(of: database.url), maximumConnections: 4, logger: TestPostgres.logger) { pool in
                let server = APIServer(database: pool, requestsPerSecond: 10_000, burst: 10_000, console: try await ConsoleTemplates.load(),
                                       secureCookies: true, logger: TestPostgres.logger)
                try await Application(router: server.router()).test(.router) { client in
                    try await body(client, database.url)
                }
            }
        }
    }

    static func units(_ url: DatabaseURL) async throws -> String {
        try await TestPostgres.withRunning(url) { database in
            try await database.query("SELECT string_agg(beneficiary_id || ':' || unit_code, ',' ORDER BY beneficiary_id) FROM beneficiaries",
                                     "read").decode(String.self).reduce(into: "") { $0 = $1 }
        }
    }

    @Test("the province moves 964 over the API, reads who waits with their candidates, and a wrong assignment changes nothing")
    func api() async throws {
        try await Self.withDistrict964 { client, url in
            let province = try await TestTokens.shared.token(for: .province, url: url)
            let operatorToken = try await TestTokens.shared.token(for: TestPerson("Vận hành 964", .operator, districts: ["964"]), url: url)
            var (status, text) = try await APITests.send(client, .post, "/api/v1/units/964/move", token: operatorToken, body: #"{"period": "2025-07"}"#)
            #expect(status == 403, "\(text)")
            (status, text) = try await APITests.send(client, .get, "/api/v1/units/964/move", token: province)
            #expect(status == 404 && text.contains("has not been moved"), "\(text)")
            (status, text) = try await APITests.send(client, .post, "/api/v1/units/964/move", token: province, body: #"{"period": "2025-08"}"#)
            #expect(status == 422 && text.contains("was abolished from 2025-07, not 2025-08"), "\(text)")
            (status, text) = try await APITests.send(client, .post, "/api/v1/units/964/move", token: province, body: #"{"period": "2025-07"}"#)
            #expect(status == 201, "\(text)")
            let moved = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(moved["waiting"] as? Int == 1 && moved["moved_now"] as? Int == 1 && moved["effective"] as? String == "2025-07", "\(text)")
            let destinations = try #require(moved["moved"] as? [[String: Any]])
            #expect(destinations.count == 1 && destinations[0]["unit"] as? String == "32002" && destinations[0]["beneficiaries"] as? Int == 1
                    && (destinations[0]["unit_name"] as? String)?.isEmpty == false, "\(text)")
            (status, text) = try await APITests.send(client, .post, "/api/v1/units/964/move", token: province, body: #"{"period": "2025-07"}"#)
            #expect(status == 200 && text.contains("\"moved_now\":0"), "a second move changes nothing: \(text)")

            (status, text) = try await APITests.send(client, .get, "/api/v1/units/964/move/waiting", token: province)
            let waiting = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
            #expect(status == 200 && waiting.count == 1 && waiting[0]["beneficiary_id"] as? String == "M2", "\(text)")
            let candidates = (waiting.first?["candidates"] as? [[String: Any]])?.compactMap { $0["unit"] as? String }
            #expect(candidates == ["32025", "32041"], "\(text)")

            (status, text) = try await APITests.send(client, .post, "/api/v1/units/964/move/assignments", token: province,
                                                     body: #"{"assignments": [{"beneficiary_id": "M2", "unit": "32002"}]}"#)
            #expect(status == 422 && text.contains("Assignment 1: 32002 is not one of the units the lineage offers for M2 (32025, 32041). Nothing was assigned."),
                    "\(text)")
            #expect(try await Self.units(url) == "M1:32002,M2:964", "nothing was assigned")
            (status, text) = try await APITests.send(client, .post, "/api/v1/units/964/move/assignments", token: province,
                                                     body: #"{"assignments": [{"beneficiary_id": "M2", "unit": "32041"}]}"#)
            #expect(status == 201 && text.contains("\"waiting\":0") && text.contains("\"moved_now\":1"), "\(text)")
            #expect(try await Self.units(url) == "M1:32002,M2:32041")
        }
    }

    @Test("in the console the province sees 964's register, moves it, and chooses the unit of the person who waits from the lineage's list")
    func console() async throws {
        try await Self.withDistrict964 { client, url in
            let browser = ConsoleTests.Browser(client)
            _ = try await browser.login(try await TestTokens.shared.token(for: .province, url: url))
            var page = try await browser.send(.get, "/console/moves")
            #expect(page.status == 200 && page.text.contains("Chuyển danh sách đối tượng về đơn vị mới") && page.text.contains("id=\"move-964\"")
                    && page.text.contains("7/2025"), "\(page.text)")
            page = try await browser.send(.post, "/console/moves/964", form: ["csrf": ConsoleTests.Browser.csrf(page) ?? "", "period": "2025-07"])
            #expect(page.status == 303 && page.headers[.location] == "/console/moves/964")
            page = try await browser.send(.get, "/console/moves")
            #expect(page.text.contains(">1 (1 sang đơn vị)<") && !page.text.contains("id=\"move-964\""), "moved once, to one unit, one waiting: \(page.text)")
            page = try await browser.send(.get, "/console/moves/964")
            #expect(page.text.contains("Danh sách của đơn vị 964 chuyển từ tháng 7/2025: 1 người sang 1 đơn vị; 1 người chờ gán đơn vị."),
                    "\(page.text)")
            #expect(page.text.contains("Trần Thị Chờ") && page.text.contains("<option value=\"32025\">") && page.text.contains("<option value=\"32041\">"),
                    "\(page.text)")
            // Left blank: nothing changes.
            let csrf = ConsoleTests.Browser.csrf(page) ?? ""
            page = try await browser.send(.post, "/console/moves/964/assign", form: ["csrf": csrf, "id0": "M2", "to0": ""])
            page = try await browser.send(.get, "/console/moves/964")
            #expect(page.text.contains("Chưa chọn đơn vị cho ai; không có gì thay đổi."), "\(page.text)")
            page = try await browser.send(.post, "/console/moves/964/assign", form: ["csrf": csrf, "id0": "M2", "to0": "32041"])
            page = try await browser.send(.get, "/console/moves/964")
            #expect(page.text.contains("2 người sang 2 đơn vị; không còn ai chờ gán.") && page.text.contains("Không còn ai chờ gán."), "\(page.text)")
            #expect(try await Self.units(url) == "M1:32002,M2:32041")

            // An operator has no such page.
            let operatorBrowser = ConsoleTests.Browser(client)
            _ = try await operatorBrowser.login(try await TestTokens.shared.token(for: TestPerson("Vận hành 964", .operator, districts: ["964"]), url: url))
            page = try await operatorBrowser.send(.get, "/console/moves")
            #expect(page.status == 403 && !page.text.contains("/console/moves\""), "\(page.status) \(page.text)")
        }
    }
}
