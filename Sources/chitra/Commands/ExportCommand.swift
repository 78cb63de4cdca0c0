import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra export disbursements --district CODE --period YYYY-MM [--format csv|json] [--out FILE]`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export data.", subcommands: [Disbursements.self])

    struct Disbursements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One row per disbursement of a district and month.")

        enum Format: String, ExpressibleByArgument { case csv, json }

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: RunTargetOptions
        @Option(help: "csv or json.") var format: Format = .csv
        @Option(help: "Write to this file (readable by its owner only) instead of the standard output.") var out: String?

        func run() async throws {
            let (district, period, format) = (target.district, try target.month(), self.format)
            let output = try out.map { try PrivateFile.create($0) } ?? FileHandle.standardOutput
            try await connection.withCaller(.read, districts: [district]) { database, _ in
                var first = true
                func line(_ text: String) { output.write(Data((text + "\n").utf8)) }
                line(format == .csv ? DisbursementRow.csvHeader : "[")
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                try await DisbursementRow.each(district: district, period: period, database: database) { row in
                    if format == .csv {
                        line(row.csvLine)
                    } else {
                        line((first ? "  " : ", ") + String(decoding: try encoder.encode(row), as: UTF8.self))
                    }
                    first = false
                }
                if format == .json { line("]") }
            }
            if out != nil { try output.close() }
        }
    }
}
