import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// The failed transfers finance acts on (`chitra retry`, `chitra cash fallback`): a district's
/// month, narrowed by batch, reason and rail; shown before anything moves, asked unless `--yes`.
struct FinanceScopeOptions: ParsableArguments {
    @OptionGroup var target: RunTargetOptions
    @Option(help: "Only the failed transfers of this batch (its MsgId, as `chitra status --batches` shows).") var batch: String?
    @Option(help: "Only those rejected with this ISO 20022 reason code (AM04, AC01…).") var reason: String?
    @Option(help: "Only this rail: bank or wallet.") var rail: String?
    @Flag(help: "Do it without asking.") var yes = false

    func scope() throws -> FinanceScope {
        do {
            return try FinanceScope.checked(district: target.district, period: try target.month(), batch: batch, reason: reason, rail: rail)
        } catch let malformed as FinanceScope.Malformed {
            throw ValidationError(malformed.description)
        }
    }

    /// Prints what is in scope; returns whether to go on (nothing in scope, or not confirmed: no).
    func confirm(_ preview: FinanceScope.Preview, scope: FinanceScope, doing: String) -> Bool {
        guard preview.count > 0 else {
            print("Nothing to do: no failed transfers in \(scope). Nothing was sent.")
            return false
        }
        print("\(doing) \(preview.count) failed transfer\(preview.count == 1 ? "" : "s") of \(scope), \(preview.amount):")
        for group in preview.groups {
            print("  \(group.rail.rawValue) \(group.reason.isEmpty ? "(no reason)" : group.reason): \(group.count) · \(group.amount)")
        }
        if yes { return true }
        print("Go ahead? [y/N] ", terminator: "")
        guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased().trimmingCharacters(in: .whitespaces)) else {
            print("Nothing was done (answer y, or pass --yes).")
            return false
        }
        return true
    }

    /// The scope as the API's body, with the count the person was shown (a scope that changed
    /// meanwhile is refused).
    struct Body: Encodable {
        var batch: String?
        var reason: String?
        var rail: String?
        var expectedCount: Int
        enum CodingKeys: String, CodingKey { case batch, reason, rail, expectedCount = "expected_count" }
    }

    /// Shows what is in scope, asks, then POSTs the scope to `path` under the run (`retries`,
    /// `cash/fallback`), the caller recorded on each disbursement, and prints what `said` makes of
    /// the answer.
    func perform<Answer: Decodable>(_ server: ServerOptions, _ path: String, doing: String, answer: Answer.Type,
                                    said: (Answer) -> String) async throws {
        let scope = try scope()
        let client = try server.client()
        let run = "/runs/\(scope.district)/\(scope.period)"
        try await ClientFailure.exiting {
            let preview = try await client.get(run + "/failed", query: [("batch", batch), ("reason", reason), ("rail", rail),
                                                                        ("for", path == "retries" ? "retries" : "cash-fallback")],
                                               as: FinanceScope.Preview.self)
            guard confirm(preview, scope: scope, doing: doing) else { return }
            let body = Body(batch: batch, reason: reason, rail: rail, expectedCount: preview.count)
            print(said(try await client.post(run + "/" + path, json: body, as: Answer.self)))
        }
    }
}
