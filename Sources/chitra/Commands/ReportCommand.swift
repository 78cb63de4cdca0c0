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

    @OptionGroup var server: ServerOptions
    @Option(help: "The month, YYYY-MM.") var period: String
    @Option(name: [.customLong("unit"), .customLong("district")], parsing: .upToNextOption, help: "Only these payout units (default: every unit you see).") var district: [String] = []
    @Option(help: "table, csv (UTF-8 with a BOM, Vietnamese headers, for Excel), json or html (printable, with charts).")
    var format: Format = .table
    @Option(help: "Write to this file instead of the standard output.") var out: String?
    @Option(help: "The language of the HTML report: vi or en.") var language: String = "vi"
    @Option(help: "Only the units of this province (2 digits), e.g. 96.") var province: String?
    @Option(help: "Compare each unit with the unit(s) it came from in this earlier month (YYYY-MM), through the lineage: table, csv or json.")
    var compare: String?

    func validate() throws {
        if let province, province.count != 2 || !province.allSatisfy(\.isNumber) {
            throw ValidationError("--province takes a province's code of 2 digits, e.g. 96 for Cà Mau.")
        }
        if let compare {
            guard let earlier = Period(compare) else { throw ValidationError("--compare must be written YYYY-MM.") }
            if let period = Period(period), earlier >= period { throw ValidationError("--compare takes a month before --period.") }
            if format == .html { throw ValidationError("--compare writes a table, csv or json.") }
        }
    }

    func run() async throws {
        guard let period = Period(period) else { throw ValidationError("--period must be written YYYY-MM.") }
        guard let language = ConsoleLanguage(rawValue: language) else { throw ValidationError("--language must be vi or en.") }
        let client = try server.client()
        let scope = [("unit", district.isEmpty ? nil : district.joined(separator: ",")), ("province", province)]
        if let earlier = compare.flatMap({ Period($0) }) {
            let comparisons = try await ClientFailure.exiting {
                try await client.get("/reports/\(period)/comparison", query: scope + [("compare", "\(earlier)")], as: [UnitComparison].self)
            }
            return try write(Self.comparison(comparisons, format: format, period: period, earlier: earlier), period: period)
        }
        let report = try await ClientFailure.exiting {
            try await client.get("/reports/\(period)", query: scope, as: ProvinceReport.self)
        }
        let text: String
        switch format {
        case .table:
            // Each unit's month against its paying account's statements, after the table.
            var months: [MonthReconciliation] = []
            for unit in report.districts.map(\.district) {
                months.append(try await ClientFailure.exiting {
                    try await client.get("/runs/\(unit)/\(period)/reconciliation", as: MonthReconciliation.self)
                })
            }
            let paidByBank = months.filter { $0.paidByChitra.count > 0 || $0.lastStatementDay != nil }
            text = ReportTable.render(report) + MonthReconciliationText.section(paidByBank).map { $0 + "\n" }.joined()
        case .csv: text = ReportCSV.render(report)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        case .html: text = try ReportPage.document(report, language: language, templates: try await ConsoleTemplates.load())
        }
        try write(text, period: period)
    }

    private func write(_ text: String, period: Period) throws {
        if let out {
            try PrivateFile.write(text, to: out)
            FileHandle.standardError.write(Data("Wrote the \(format.rawValue) report for \(period) to \(out).\n".utf8))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    static func comparison(_ comparisons: [UnitComparison], format: Format, period: Period, earlier: Period) throws -> String {
        switch format {
        case .csv: return UnitComparison.csv(comparisons, period: period, earlier: earlier)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(comparisons), as: UTF8.self) + "\n"
        case .table, .html:
            var table = TextTable("UNIT", "NAME", "PEOPLE \(period)", "PAID \(period)", "NON-CASH", "FROM", "PEOPLE \(earlier)", "PAID \(earlier)",
                                  "NON-CASH")
            for c in comparisons {
                table.add(c.unit.district, c.unit.districtName, VietnameseNumber.grouped(c.unit.beneficiaries),
                          Money(dong: c.unit.paid.total.amountVND).description, VietnameseNumber.percent(c.unit.nonCashShare),
                          c.formerUnits.isEmpty ? "(same)" : c.formerUnits.joined(separator: " "), VietnameseNumber.grouped(c.before.beneficiaries),
                          Money(dong: c.before.paid.total.amountVND).description, VietnameseNumber.percent(c.before.nonCashShare))
            }
            return table.rendered + "\n"
        }
    }
}
