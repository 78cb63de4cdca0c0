import ChitraCore
import ChitraRails
import ChitraStore
import Logging

/// Asks the bank to give back a second debit (a duplicate break being recalled), and records its
/// answer with the job's completion: accepted, the money comes back on a statement, which closes
/// the break; refused, the break opens again for finance with the bank's reason. Asking twice is
/// harmless: the bank gives an entry back once.
public struct StatementRecallHandler: JobHandler {
    public let kind = StatementJobs.recallKind
    let rails: RailSet
    public static let reason = "DUPL"

    public init(rails: RailSet) {
        self.rails = rails
    }

    public func run(_ context: JobContext) async throws {
        let args = try context.job.decodeArgs(StatementJobs.RecallArgs.self)
        guard let bank = rails.statements else {
            context.logger.warning("no bank gateway is configured on this worker: the recall waits (give --bank-url)")
            throw JobSnooze(for: TransferHandler.misconfiguredWait)
        }
        guard let target = try await StatementBreaks.recallTarget(id: args.breakID, database: context.database) else {
            throw JobDiscard("break \(args.breakID) is no second debit of a transfer")
        }
        guard target.state == .recalling else {
            // Closed meanwhile (the money came back, or a person closed it), or opened again.
            return try await context.withCompletingTransaction { _ in }
        }
        let answer = try await bank.recall(account: target.account, entry: target.entry, endToEndID: target.endToEndID, reason: Self.reason)
        try await context.withCompletingTransaction { connection in
            let refused: String? = if case .refused(let why) = answer { why } else { nil }
            try await StatementBreaks.recordRecall(id: args.breakID, refusedFor: refused,
                                                   by: .system(StatementFetchHandler.actor, districts: [target.unit]), on: connection)
        }
        context.logger.info("recall answered", metadata: ["chitra.break": "\(args.breakID)", "chitra.answer": "\(answer)"])
    }
}
