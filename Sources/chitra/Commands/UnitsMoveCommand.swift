import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

extension UnitsCommand {
    /// `chitra units move --from 954 --period 2025-07 [--review-out FILE] [--assign FILE]`.
    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an abolished district's register to the communes that took it over, by the official lineage.",
            discussion: """
                Each beneficiary goes to the successor of their commune where the lineage names one. Where it names \
                several ("Nhập một phần"), they wait: --review-out writes them with the candidate communes; fill in \
                commune_code and give the file back with --assign. Nobody is placed by name or guess. A person waiting \
                is paid by nobody and loses nothing: their commune pays the months owed as arrears once they are assigned.
                """)

        @OptionGroup var server: ServerOptions
        @Option(help: "The abolished unit whose register moves (a district, 3 digits).") var from: String
        @Option(help: "The first month its successors pay (YYYY-MM), e.g. 2025-07.") var period: String?
        @Option(help: "Write the people who wait for a person to this CSV file, with their candidate communes.") var reviewOut: String?
        @Option(help: "Assign waiting people from this CSV file (beneficiary_id,commune_code; other columns are ignored).") var assign: String?

        func validate() throws {
            guard PayoutUnitCode.isValid(from) else { throw ValidationError("--from takes a unit's code: a district's 3 digits, e.g. 954.") }
            if let period, Period(period) == nil {
                throw ValidationError("--period takes the first month the successors pay, written YYYY-MM (e.g. 2025-07).")
            }
            if assign == nil, reviewOut == nil, period == nil {
                throw ValidationError("Say --period, the first month the successors pay (e.g. 2025-07), to move the register.")
            }
        }

        func run() async throws {
            let assignments = try assign.map(Self.readAssignments)
            let client = try server.client()
            let move = "/units/\(from)/move"
            let outcome: UnitMoveRoutes.Moved? = try await ClientFailure.exiting {
                if let assignments {
                    let body = AssignBody(assignments: assignments.map { .init(beneficiaryID: $0.beneficiaryID, unit: $0.unit, line: $0.line) })
                    return try await client.post(move + "/assignments", json: body, as: UnitMoveRoutes.Moved.self)
                }
                guard let period else { return nil }
                return try await client.post(move, json: ["period": period], as: UnitMoveRoutes.Moved.self)
            }
            if let outcome { show(outcome) }
            if let reviewOut {
                let waiting = try await ClientFailure.exiting {
                    try await client.get(move + "/waiting", as: [UnitMoveRoutes.Waiting].self)
                }
                try Self.writeReview(waiting, to: reviewOut)
                print("Wrote \(waiting.count) beneficiar\(waiting.count == 1 ? "y" : "ies") waiting for a person to \(reviewOut): "
                      + "fill in commune_code with one of the candidates and give it back with --assign.")
            }
        }

        /// The assignments as the API takes them.
        struct AssignBody: Encodable {
            struct Assignment: Encodable {
                var beneficiaryID: String
                var unit: String
                var line: Int
                enum CodingKeys: String, CodingKey { case beneficiaryID = "beneficiary_id", unit, line }
            }
            var assignments: [Assignment]
        }

        private func show(_ outcome: UnitMoveRoutes.Moved) {
            var table = TextTable("UNIT", "NAME", "BENEFICIARIES")
            for destination in outcome.moved {
                table.add(destination.unit, destination.unitName, VietnameseNumber.grouped(destination.beneficiaries))
            }
            if outcome.waiting > 0 { table.add("-", "waiting for a person", VietnameseNumber.grouped(outcome.waiting)) }
            print(table.rendered)
            print(outcome.message)
        }

        /// The review file: UTF-8 with a BOM and CRLF for Excel; cells neutralised.
        static func writeReview(_ waiting: [UnitMoveRoutes.Waiting], to path: String) throws {
            var text = CSVText.byteOrderMark + CSVText.line(["beneficiary_id", "full_name", "old_commune", "old_commune_name", "candidates", "commune_code"])
            for person in waiting {
                let candidates = person.candidates.map { $0.unitName.isEmpty ? $0.unit : "\($0.unit) \($0.unitName)" }.joined(separator: " | ")
                text += CSVText.line([person.beneficiaryID, person.fullName, person.oldCommune, person.oldCommuneName, candidates, ""]
                    .map(CSVText.neutralised))
            }
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("Cannot write \(path).")
            }
        }

        /// beneficiary_id and commune_code of each filled-in line (blank commune_code: still waiting).
        static func readAssignments(_ path: String) throws -> [(line: Int, beneficiaryID: String, unit: String)] {
            guard var text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("Cannot read \(path) as UTF-8 text.") }
            if text.hasPrefix(CSVText.byteOrderMark) { text.removeFirst() }
            let rows: [(line: Int, values: [String: String])]
            do {
                rows = try CSVRows.read(text, required: ["beneficiary_id", "commune_code"])
            } catch {
                throw ValidationError("\(path), line \(error.line): \(error.problem).")
            }
            return rows.compactMap { row in
                let unit = row.values["commune_code"] ?? ""
                let cell = row.values["beneficiary_id"] ?? ""
                let id = cell.hasPrefix("'") ? String(cell.dropFirst()) : cell
                return unit.isEmpty ? nil : (row.line, id, unit)
            }
        }
    }
}
