import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore

/// `chitra retry --district D --period P [--batch MSGID] [--reason CODE] [--rail bank|wallet] [--yes]`:
/// finance sends failed transfers again, with their original EndToEndIds.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send failed transfers again (same EndToEndIds); never one paid, pending, of unknown outcome or in cash.")

    @OptionGroup var server: ServerOptions
    @OptionGroup var finance: FinanceScopeOptions

    func run() async throws {
        try await finance.perform(server, "retries", doing: "Will send again", answer: DisbursementRoutes.Retried.self) { outcome in
            "Queued \(outcome.moved) transfer\(outcome.moved == 1 ? "" : "s") in \(outcome.batches.count) "
                + "batch\(outcome.batches.count == 1 ? "" : "es") (\(outcome.batches.joined(separator: ", "))); the workers send them. "
                + "Recorded as re-run by \(outcome.by)."
        }
    }
}
