import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra lists --district CODE --kind KIND`: a classification list of the plan, as CSV.
struct ListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists", abstract: "Write one of the plan's classification lists as CSV (opens in Excel).")

    @OptionGroup var connection: ConnectionOptions
    @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
    @Option(help: "cash, can-open-account, missing-documents or recipient-missing-documents.") var kind: RegisterListKind
    @Option(help: "The month the list is for (YYYY-MM; default: this month).") var month: String?
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func run() async throws {
        let asOf: Period
        if let month {
            guard let period = Period(month) else { throw ValidationError("--month must be written YYYY-MM.") }
            asOf = period
        } else {
            let now = Calendar(identifier: .gregorian).dateComponents([.year, .month], from: Date())
            asOf = Period(year: now.year!, month: now.month!)!
        }
        let output: FileHandle
        if let out {
            // Names and phone numbers: readable by the owner alone.
            output = try PrivateFile.create(out)
        } else {
            output = FileHandle.standardOutput
        }
        let kind = self.kind, district = self.district
        let count = try await connection.withCaller(.cashList, districts: [district]) { database, _ in
            try await RegisterLists(database: database).write(kind, district: district, asOf: asOf, to: output)
        }
        if let out {
            try output.close()
            print("Wrote \(count) beneficiaries to \(out).")
        }
    }
}

extension RegisterListKind: ExpressibleByArgument {}
