import ChitraCore
import PostgresNIO

/// Finance's two ways with failed transfers (`chitra retry`, `chitra cash fallback`): send them
/// again with their EndToEndIds, or put them on the post office's list. Only `failed` ones: never
/// one paid, pending, of unknown outcome or already in cash. The person is recorded on each.
public enum FinanceRerun {
    public struct Outcome: Sendable, Hashable {
        public var preview: FinanceScope.Preview
        /// The batches made (retry), or none.
        public var batches: [TransferBatching.Batch]
        /// Transfers moved: resent, or sent to cash.
        public var moved: Int
    }

    /// Re-sends the failed transfers of `scope` in new batches (their jobs send them).
    public static func retry(_ scope: FinanceScope, by identity: Identity, expecting expected: Int? = nil, database: Database) async throws -> Outcome {
        let person = identity.name
        return try await database.transaction("re-run the failed transfers of \(scope)") { connection in
            let preview = try await scope.preview(on: connection)
            try check(preview, expected: expected, scope: scope)
            var batches: [TransferBatching.Batch] = []
            for rail in scope.rails {
                batches += try await TransferBatching.batch(scope.scope(runID: preview.runID, rail: rail), period: scope.period,
                                                            limit: TransferBatching.maximumTransfers, requestedBy: person, on: connection)
            }
            let outcome = Outcome(preview: preview, batches: batches, moved: batches.reduce(0) { $0 + $1.transfers })
            try await audit(.retryTransfers, scope, outcome, by: identity, on: connection)
            return outcome
        }
    }

    /// Sends the failed transfers of `scope` to the post office's list.
    public static func fallBack(_ scope: FinanceScope, by identity: Identity, expecting expected: Int? = nil, database: Database) async throws -> Outcome {
        let person = identity.name
        return try await database.transaction("send the failed transfers of \(scope) to cash") { connection in
            let preview = try await scope.preview(on: connection)
            try check(preview, expected: expected, scope: scope)
            var moved = 0
            for rail in scope.rails {
                var transfers: [(String, String)] = []
                for try await (id, reason) in try await connection.send(FinanceSQL.failedIDs(scope.scope(runID: preview.runID, rail: rail)),
                                                                         logger: Database.quiet).decode((String, String).self) {
                    transfers.append((id, "finance" + (reason.isEmpty ? "" : " after \(reason)")))
                }
                if !transfers.isEmpty { moved += try await TransferOutcomes.fallBack(transfers, by: person, on: connection) }
            }
            let outcome = Outcome(preview: preview, batches: [], moved: moved)
            try await audit(.cashFallback, scope, outcome, by: identity, on: connection)
            return outcome
        }
    }

    static func audit(_ action: Action, _ scope: FinanceScope, _ outcome: Outcome, by identity: Identity,
                      on connection: PostgresConnection) async throws {
        try await AuditLog.append(AuditEntry(by: identity, action, district: scope.district, period: scope.period,
                                             subject: "run \(outcome.preview.runID): \(scope)",
                                             before: ["failed": .number(Int64(outcome.preview.count)), "amount_vnd": .number(outcome.preview.amount.dong)],
                                             after: ["moved": .number(Int64(outcome.moved)), "batches": .number(Int64(outcome.batches.count))]),
                                  on: connection)
    }

    /// What was shown to the person must be what is moved: a count that changed meanwhile refuses.
    public struct Changed: Error, Sendable, Hashable, CustomStringConvertible {
        public var expected: Int
        public var found: Int
        public var description: String {
            "The failed transfers changed while you decided (\(expected) shown, \(found) now): nothing was sent. Run the command again."
        }
    }

    static func check(_ preview: FinanceScope.Preview, expected: Int?, scope: FinanceScope) throws {
        if let expected, expected != preview.count { throw Changed(expected: expected, found: preview.count) }
    }
}
