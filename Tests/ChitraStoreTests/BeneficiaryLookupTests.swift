import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Testing

@Suite("Beneficiary lookup", .machine(limit: .minutes(2)))
struct BeneficiaryLookupTests {
    @Test("a name is found however it is typed: without marks, in capitals, decomposed; a wildcard typed is a letter, not a wildcard",
          arguments: [("nguyen van duc", ["N1"]), ("NGUYỄN VĂN ĐỨC", ["N1"]), ("đức", ["N1"]), ("Duc", ["N1"]), ("thi bich", ["N2"]),
                      ("Bi\u{301}ch", ["N2"]), ("tran", ["N2"]), ("%", []), ("_", []), ("nguyen van dung", [])])
    func foldedNames(typed: String, found: [String]) async throws {
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "959")
            file.add("N1", [.fullName: "Nguyễn Văn Đức"])
            file.add("N2", [.fullName: "Trần Thị Bích"])
            _ = try await RegisterImporter(database: database, policy: try PolicyTable.bundled())
                .importFile(at: try file.write(), district: "959", by: .test("operator", role: .operator))
            let people = try await BeneficiaryLookup.find(typed, database: database)
            #expect(people.map(\.beneficiaryID).sorted() == found, "\(typed)")
        }
    }
}
