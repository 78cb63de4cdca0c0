import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Testing

extension CommandLineTests {
    @Test("chitra units move: the province moves a district's register, writes who waits with their candidates, and assigns them from the file filled in")
    func unitsMove() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "964")
            file.add("M1", [.communeCode: "32002", .cccd: "096123456789"])
            file.add("M2", [.communeCode: "32017", .cccd: "096123456789", .fullName: "=HYPERLINK(\"x\")"])
            let register = file
            _ = try await TestPostgres.withRunning(url) { database in try await RunFixture.importRegister(register, database) }
            let review = NSTemporaryDirectory() + "chitra-review-\(UUID().uuidString.prefix(8)).csv"
            defer { try? FileManager.default.removeItem(atPath: review) }

            var result = try await Self.run(["units", "move", "--from", "964", "--period", "2025-07"], url: url,
                                            as: TestPerson("Vận hành 964", .operator, districts: ["964"]))
            #expect(result.status == 5, "an operator may not move a register: \(result.output)")
            result = try await Self.run(["units", "move", "--from", "964", "--period", "2025-07", "--review-out", review], url: url, as: .province)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.split(separator: "\n").contains { $0.hasPrefix("32002 ") && $0.hasSuffix(" 1") }, "\(result.output)")
            #expect(result.output.contains("District 964's register moved from 2025-07: 1 beneficiary in 1 unit; 1 waits for a person"),
                    "\(result.output)")
            let text = try String(contentsOfFile: review, encoding: .utf8)
            let lines = (text.hasPrefix(CSVText.byteOrderMark) ? String(text.dropFirst()) : text).components(separatedBy: "\r\n")
            #expect(lines[0] == "beneficiary_id,full_name,old_commune,old_commune_name,candidates,commune_code")
            #expect(lines[1].hasPrefix("M2,\"'=HYPERLINK(\"\"x\"\")\",32017,"), "a name a spreadsheet would run is neutralised: \(lines[1])")
            #expect(lines[1].contains("32025 ") && lines[1].contains(" | 32041 ") && lines[1].hasSuffix(","), "\(lines[1])")

            // A commune not among the candidates: one sentence, nothing assigned.
            try text.replacingOccurrences(of: ",\r\n", with: ",32002\r\n")
                .write(toFile: review, atomically: true, encoding: .utf8)
            result = try await Self.run(["units", "move", "--from", "964", "--assign", review], url: url, as: .province)
            #expect(result.status != 0 && result.output == "Error: Line 2: 32002 is not one of the units the lineage offers for M2 (32025, 32041). Nothing was assigned.",
                    "\(result.output)")
            try (text.replacingOccurrences(of: ",\r\n", with: ",32041\r\n")).write(toFile: review, atomically: true, encoding: .utf8)
            result = try await Self.run(["units", "move", "--from", "964", "--assign", review], url: url, as: .province)
            #expect(result.status == 0 && result.output.contains("2 beneficiaries in 2 units; nobody waits."), "\(result.output)")
            let units = try await TestPostgres.withRunning(url) { database in
                try await database.query("SELECT string_agg(beneficiary_id || ':' || unit_code, ',' ORDER BY beneficiary_id) FROM beneficiaries",
                                         "read").decode(String.self).reduce(into: "") { $0 = $1 }
            }
            #expect(units == "M1:32002,M2:32041")
        }
    }
}
