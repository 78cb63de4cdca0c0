import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Testing

@Suite("Classification lists", .machine(limit: .minutes(2)))
struct RegisterListsTests {
    /// The list's count, its text after the BOM, and whether the BOM was there.
    static func list(_ kind: RegisterListKind, _ database: Database) async throws -> (count: Int, text: String, bom: Bool) {
        let path = NSTemporaryDirectory() + "chitra-list-\(UUID().uuidString.prefix(8)).csv"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let count = try await RegisterLists(database: database).write(kind, district: "959", asOf: Period("2025-01")!, to: handle)
        try handle.close()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bom = data.prefix(3) == Data([0xEF, 0xBB, 0xBF])
        return (count, String(decoding: data.dropFirst(bom ? 3 : 0), as: UTF8.self), bom)
    }

    @Test("each list holds the beneficiaries it names, as Excel-ready CSV with masked CCCDs and phones, and no cell a spreadsheet takes for a formula")
    func lists() async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "959")
            file.add("L1")                                                             // cash, documents, self
            file.add("L2", [.cccd: ""])                                                // cash, no documents
            file.add("L3", [.paymentMethod: "cash_home", .recipient: "guardian", .recipientName: "Con gái",
                            .recipientCCCD: "095111111111", .cccd: ""])                // cash home via guardian, no documents
            file.add("L4", [.paymentMethod: "bank", .bankCode: "970405", .accountNumber: "1234567890", .accountName: "X"])
            file.add("L5", [.deceasedOn: "2024-09-01"])                               // no longer active
            file.add("L6", [.fullName: "=HYPERLINK(\"http://x.example\",\"Xem\")", .recipientName: "@SUM(1+1)"])  // cash, self
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "959", by: .test("operator"))

            let cash = try await Self.list(.cash, database)
            #expect(cash.count == 4)
            #expect(cash.bom, "a UTF-8 BOM, so that Excel reads Vietnamese correctly")
            #expect(cash.text.hasPrefix("beneficiary_id,full_name,commune_code,program,category,payment_method,cccd,phone,recipient,recipient_name\r\n"))
            #expect(cash.text.contains("L1,Nguyễn Văn L1,95901,btxh,cao_tuoi_80,cash,********6789,******5678,self,\r\n"))
            #expect(!cash.text.contains("095123456789"), "CCCDs are masked")
            #expect(!cash.text.contains("0912345678"), "phones are masked")
            #expect(cash.text.contains("L6,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"Xem\"\")\",95901,"), "\(cash.text)")
            #expect(cash.text.contains(",self,'@SUM(1+1)\r\n"), "\(cash.text)")
            #expect(try await Self.list(.canOpenAccount, database).count == 2)
            #expect(try await Self.list(.missingDocuments, database).count == 2)
            let recipients = try await Self.list(.recipientMissingDocuments, database)
            #expect(recipients.count == 1 && recipients.text.contains("L3,"))
        }
    }
}
