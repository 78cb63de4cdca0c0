import ArgumentParser
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

        @OptionGroup var connection: ConnectionOptions
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
            let outcome: RegisterMove.Outcome? = try await connection.withCaller(.moveRegister, districts: [from]) { database, identity in
                if let assignments {
                    return try await RegisterMove.assign(assignments, from: from, by: identity, database: database)
                }
                guard let period = period.flatMap({ Period($0) }) else { return nil }
                return try await RegisterMove.move(from: from, effective: period, by: identity, database: database)
            }
            if let outcome { show(outcome) }
            if let reviewOut {
                let waiting = try await connection.withCaller(.moveRegister, districts: [from]) { database, _ in
                    try await RegisterMove.waiting(from: from, database: database)
                }
                try Self.writeReview(waiting, to: reviewOut)
                print("Wrote \(waiting.count) beneficiar\(waiting.count == 1 ? "y" : "ies") waiting for a person to \(reviewOut): "
                      + "fill in commune_code with one of the candidates and give it back with --assign.")
            }
        }

        private func show(_ outcome: RegisterMove.Outcome) {
            var table = TextTable("UNIT", "NAME", "BENEFICIARIES")
            for (unit, count) in outcome.moved.sorted(by: { $0.key < $1.key }) {
                table.add(unit, outcome.names[unit] ?? "", VietnameseNumber.grouped(count))
            }
            if outcome.waiting > 0 { table.add("-", "waiting for a person", VietnameseNumber.grouped(outcome.waiting)) }
            print(table.rendered)
            print(outcome.summary)
        }

        /// The review file: UTF-8 with a BOM and CRLF for Excel; cells neutralised.
        static func writeReview(_ waiting: [RegisterMove.Waiting], to path: String) throws {
            var text = CSVText.byteOrderMark + CSVText.line(["beneficiary_id", "full_name", "old_commune", "old_commune_name", "candidates", "commune_code"])
            for person in waiting {
                text += CSVText.line([person.beneficiaryID, person.fullName, person.oldCommune, person.oldCommuneName, person.candidates, ""]
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
