import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra import FILE --unit CODE`: the unit's register, sent to Chitra's server as it is read,
/// validated there whole and written in one transaction or not at all.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a payout unit's beneficiary register (UTF-8 CSV).")

    @OptionGroup var server: ServerOptions
    @Argument(help: "The register file.") var file: String
    @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit the file belongs to: a district (3 digits) or a commune (5 digits).") var district: String
    @Flag(help: "Show how long each step took on the server.") var timings = false

    func run() async throws {
        // A folder, a pipe or an unreadable file is said before anything is sent.
        _ = try RegisterFile(path: file).open()
        let progress = ProgressLine()
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try await ClientFailure.exiting {
            try await server.client().upload("/imports", label: "register file", query: [("unit", district), ("file", URL(fileURLWithPath: file).lastPathComponent)], file: file, as: ImportRoutes.Imported.self) { sent in
                // On a terminal only: a log gets the summary alone.
                if progress.interactive { progress.show("sent \(VietnameseNumber.grouped(Int(sent / 1024))) KiB…") }
            }
        }
        if progress.interactive { progress.finish() }
        let seconds = (clock.now - start).seconds
        print(summary.message + (summary.alreadyImported ? "" : String(format: " (%.1f s, %.0f rows/s)", seconds, Double(summary.rows) / max(seconds, 1e-9))))
        if timings {
            for timing in summary.timings { print(String(format: "  %-32@ %6.2f s", timing.step as NSString, timing.seconds)) }
        }
    }
}
