import ArgumentParser
import ChitraCore
import ChitraStore

/// `chitra retry --district D --period P [--batch MSGID] [--reason CODE] [--rail bank|wallet] [--yes]`:
/// finance sends failed transfers again, with their original EndToEndIds.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send failed transfers again (same EndToEndIds); never one paid, pending, of unknown outcome or in cash.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var finance: FinanceScopeOptions

    func run() async throws {
        try await finance.perform(connection, .retryTransfers, doing: "Will send again") { scope, caller, shown, database in
            let outcome = try await FinanceRerun.retry(scope, by: caller, expecting: shown, database: database)
            let batches = outcome.batches.map(\.messageID).joined(separator: ", ")
            return "Queued \(outcome.moved) transfer\(outcome.moved == 1 ? "" : "s") in \(outcome.batches.count) "
                + "batch\(outcome.batches.count == 1 ? "" : "es") (\(batches)); the workers send them. Recorded as re-run by \(caller.name)."
        }
    }
}
