import ChitraCore
import Crypto
import Foundation
import PostgresNIO

extension RegisterImporter {

    static func checkDuplicates(on connection: PostgresConnection) async throws {
        var problems: [ImportProblem] = []
        var total = 0
        let rows = try await connection.send(RegisterImportSQL.duplicates, logger: Database.quiet)
        for try await (id, first, others, count) in rows.decode((String, Int32, [Int32], Int64).self) {
            total = Int(count)
            for line in others {
                problems.append(ImportProblem(line: Int(line), column: RegisterColumn.beneficiaryID.rawValue,
                                              "beneficiary \(id) appears again (first on line \(first)); each beneficiary goes on one row."))
            }
        }
        guard problems.isEmpty else { throw ImportFailure(problems: problems, total: max(total, problems.count)) }
    }

    static func checkOtherDistricts(_ district: String, on connection: PostgresConnection) async throws {
        var problems: [ImportProblem] = []
        var total = 0
        let rows = try await connection.send(RegisterImportSQL.otherDistricts(district), logger: Database.quiet)
        for try await (line, count) in rows.decode((Int32, Int64).self) {
            total = Int(count)
            problems.append(ImportProblem(line: Int(line), column: RegisterColumn.beneficiaryID.rawValue,
                                          "this beneficiary is already registered by another district; the province can say which and move them."))
        }
        guard problems.isEmpty else { throw ImportFailure(problems: problems, total: total) }
    }
}
