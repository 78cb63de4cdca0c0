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

        @OptionGroup var server: ServerOptions
        @OptionGroup var target: RunTargetOptions
        @Option(help: "csv or json.") var format: Format = .csv
        @Option(help: "Write to this file (readable by its owner only) instead of the standard output.") var out: String?

        func run() async throws {
            let (district, period, format) = (target.district, try target.month(), self.format)
            try await ClientFailure.exiting {
                try await server.client().download("/runs/\(district)/\(period)/export", query: [("format", format.rawValue)], to: out)
            }
        }
    }
}
