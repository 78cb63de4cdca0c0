import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra export disbursements --district CODE --period YYYY-MM [--format csv|json]`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export data.", subcommands: [Disbursements.self])

    struct Disbursements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per disbursement of a district and month.")

        enum Format: String, ExpressibleByArgument { case csv, json }

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: RunTargetOptions
        @Option(help: "csv or json.") var format: Format = .csv

        func run() async throws {
            let (district, period, format) = (target.district, try target.month(), self.format)
            try await connection.withCaller(.read, districts: [district]) { database, _ in
                var first = true
                if format == .csv { print(DisbursementRow.csvHeader) } else { print("[") }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try await DisbursementRow.each(district: district, period: period, database: database) { row in
                    if format == .csv {
                        print(row.csvLine)
                    } else {
                        print((first ? "  " : ", ") + String(decoding: try encoder.encode(row), as: UTF8.self))
                    }
                    first = false
                }
                if format == .json { print("]") }
            }
        }
    }
}
