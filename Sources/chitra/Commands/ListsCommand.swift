import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra lists --district CODE --kind KIND`: a classification list of the plan, as CSV.
struct ListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lists", abstract: "Write one of the plan's classification lists as CSV (opens in Excel).")

    @OptionGroup var server: ServerOptions
    @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
    @Option(help: "cash, can-open-account, missing-documents or recipient-missing-documents.") var kind: RegisterListKind
    @Option(help: "The month the list is for (YYYY-MM; default: this month).") var month: String?
    @Option(help: "Write to this file instead of standard output.") var out: String?

    func run() async throws {
        if let month, Period(month) == nil { throw ValidationError("--month must be written YYYY-MM.") }
        // The month defaults to this month in Vietnam, as the server keeps it.
        let headers = try await ClientFailure.exiting {
            try await server.client().download("/units/\(district)/lists/\(kind.rawValue)", query: [("month", month)], to: out)
        }
        if let out {
            print("Wrote \(headers.first(name: FileResponse.countHeader) ?? "?") beneficiaries to \(out).")
        }
    }
}

extension RegisterListKind: ExpressibleByArgument {}
