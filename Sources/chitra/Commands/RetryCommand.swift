import ArgumentParser
import ChitraCore
import ChitraStore

/// `chitra retry --district D --period P [--batch MSGID] [--reason CODE] [--rail bank|wallet] --by NAME [--yes]`:
/// finance sends failed transfers again, with their original EndToEndIds.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Send failed transfers again (same EndToEndIds); never one paid, pending, of unknown outcome or in cash.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var finance: FinanceScopeOptions

    func run() async throws {
        let scope = try finance.scope()
        let person = finance.by
        try await connection.withDatabase(districts: [scope.district]) { database in
            let preview = try await scope.preview(database: database)
            guard finance.confirm(preview, scope: scope, doing: "Will send again") else { return }
            let outcome = try await FinanceRerun.retry(scope, by: person, expecting: preview.count, database: database)
            print("Queued \(outcome.moved) transfer\(outcome.moved == 1 ? "" : "s") in \(outcome.batches.count) batch\(outcome.batches.count == 1 ? "" : "es") "
                + "(\(outcome.batches.map(\.messageID).joined(separator: ", "))); the workers send them. Recorded as re-run by \(person).")
        }
    }
}
