import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra import FILE --district CODE`: the district's register, validated whole, written in one
/// transaction or not at all.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a district's beneficiary register (UTF-8 CSV).")

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "The register file.") var file: String
    @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit the file belongs to: a district (3 digits) or a commune (5 digits).") var district: String
    @Option(help: "A folder with the policy tables (default: those shipped with Chitra).") var policy: String?
    @Flag(help: "Show how long each step took.") var timings = false

    func run() async throws {
        let table = try policy.map { try PolicyTable.load(folder: $0) } ?? PolicyTable.bundled()
        let path = file, district = self.district
        // A file that cannot be read is said before anything connects.
        _ = try RegisterFile(path: path).open()
        let progress = ProgressLine()
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try await connection.withCaller(.importRegister, districts: [district]) { database, caller in
            try await RegisterImporter(database: database, policy: table).importFile(at: path, district: district, by: caller) { rows in
                progress.show("checked \(rows) rows…")
            }
        }
        progress.finish()
        let seconds = (clock.now - start).seconds
        print(summary.description + (summary.alreadyImported ? "" : String(format: " (%.1f s, %.0f rows/s)", seconds, Double(summary.rows) / max(seconds, 1e-9))))
        if timings {
            for (step, seconds) in summary.timings { print(String(format: "  %-32@ %6.2f s", step as NSString, seconds)) }
        }
    }
}
