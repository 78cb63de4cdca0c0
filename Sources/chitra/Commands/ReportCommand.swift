import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra report --period YYYY-MM [--district CODE ...] [--format table|csv|json|html] [--out FILE]`:
/// the month's report to the province, per district and summed.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The month's report to the province: payment results by method, the non-cash share, failures, account-information progress.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, html }

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The month, YYYY-MM.") var period: String
    @Option(name: [.customLong("unit"), .customLong("district")], parsing: .upToNextOption, help: "Only these payout units (default: every unit you see).") var district: [String] = []
    @Option(help: "table, csv (UTF-8 with a BOM, Vietnamese headers, for Excel), json or html (printable, with charts).")
    var format: Format = .table
    @Option(help: "Write to this file instead of the standard output.") var out: String?
    @Option(help: "The language of the HTML report: vi or en.") var language: String = "vi"

    func run() async throws {
        guard let period = Period(period) else { throw ValidationError("--period must be written YYYY-MM.") }
        guard let language = ConsoleLanguage(rawValue: language) else { throw ValidationError("--language must be vi or en.") }
        let codes = district
        let report = try await connection.withCaller(.read, districts: codes) { database, _ in
            try await MonthlyReports.make(period: period, districts: codes.isEmpty ? nil : codes, database: database)
        }
        let text: String
        switch format {
        case .table: text = ReportTable.render(report)
        case .csv: text = ReportCSV.render(report)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        case .html: text = try ReportPage.document(report, language: language, templates: try await ConsoleTemplates.load())
        }
        if let out {
            try PrivateFile.write(text, to: out)
            FileHandle.standardError.write(Data("Wrote the \(format.rawValue) report for \(period) to \(out).\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
