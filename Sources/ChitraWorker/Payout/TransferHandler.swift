import ChitraCore
import ChitraRails
import ChitraStore
import Logging

/// Sends one batch to its gateway and records what it said, at most once per batch: the batch is
/// marked `posting` (committed) before the request goes out. A batch found `posting` — its worker
/// died after sending, its answer was lost, refused or incomplete — is never posted again: each
/// transfer still without an outcome is inquired, and only those the gateway never received go
/// out again, in a new batch, with their EndToEndIds.
public struct TransferHandler: JobHandler {
    public let kind = JobKind.transfer
    let rails: RailSet
    let hooks: RunHandlers.Hooks
    /// How long a batch waits when its rail has no gateway or its district no paying account.
    public static let misconfiguredWait = Duration.seconds(30)

    public init(rails: RailSet, hooks: RunHandlers.Hooks = RunHandlers.Hooks()) {
        self.rails = rails
        self.hooks = hooks
    }

    /// Some transfers are still of unknown outcome. An unknown outcome must be resolved, however
    /// long the gateway is away, so this is no failure that attempts run out on: the job waits
    /// (snoozed) a quarter of the time the batch has been out, between the inquiry interval and
    /// `longestInquiryWait` (five minutes), then inquires again.
    func waitForOutcomes(_ batch: TransferBatchRecord) -> JobSnooze {
        JobSnooze(for: min(rails.longestInquiryWait, max(rails.inquiryInterval, batch.sincePosted / 4)),
                  priority: TransferBatching.begunPriority)
    }

    public func run(_ context: JobContext) async throws {
        let args = try context.job.decodeArgs(TransferBatching.JobArgs.self)
        let batch: TransferBatchRecord
        do { batch = try await TransferBatchRecord.load(id: args.batchID, database: context.database) } catch let unknown as TransferBatchRecord.Unknown {
            throw JobDiscard(unknown.description)
        }
        var logger = context.logger
        logger[metadataKey: "chitra.batch"] = "\(batch.messageID)"
        guard let rail = rails.rail(batch.rail) else {
            logger.warning("no \(batch.rail.rawValue) gateway is configured on this worker: the batch waits (give --\(batch.rail.rawValue)-url)")
            throw JobSnooze(for: Self.misconfiguredWait)
        }
        switch batch.state.step {
        case .none:
            try await context.withCompletingTransaction { _ in }
        case .post:
            try await post(batch, rail: rail, context: context, logger: logger)
        case .inquire:
            let transfers = try await batch.openTransfers(database: context.database)
            let (answers, problem) = await rails.inquireByBatch(transfers)
            try await record(answers, batch: batch, problem: problem ?? "an inquiry got no answer", context: context, logger: logger)
        }
    }

    func post(_ batch: TransferBatchRecord, rail: any TransferRail, context: JobContext, logger: Logger) async throws {
        let transfers = try await batch.openTransfers(database: context.database)
        // Bank and wallet transfers alike leave the unit's paying account (a wallet provider
        // collects its batch from it), and its statements settle them: none is sent without it.
        guard let paying = batch.payingAccount else {
            logger.error("unit \(batch.district) has no paying account: its \(batch.rail.rawValue) transfers wait (set it with chitra districts account)")
            throw JobSnooze(for: Self.misconfiguredWait)
        }
        let debtor = DebtorAccount(name: paying.name, account: paying.account, bank: paying.bank)
        guard try await batch.markPosting(database: context.database) else {
            // Another attempt marked it first: never post twice; the next pass inquires.
            logger.notice("batch already being sent by another attempt: inquiring instead")
            throw waitForOutcomes(batch)
        }
        let sent = TransferBatch(messageID: batch.messageID, institution: batch.institution, debtor: debtor,
                                 executionDate: ISOTime.vietnamDay(.now), transfers: transfers.map(RailSet.instruction))
        let results = await rail.send(sent)
        hooks.afterPosting?()
        let answers = transfers.map { ($0, RailSet.answer(results[$0.endToEndID] ?? .unknown("no result"))) }
        let problem = results.values.lazy.compactMap { if case .unknown(let why) = $0 { why } else { nil } }.first
        try await record(answers, batch: batch, problem: problem ?? "", context: context, logger: logger)
    }

    /// Records the answers; completes the job when every transfer of the batch has an outcome,
    /// otherwise records what is known and has the job retried.
    func record(_ answers: [(OpenTransfer, DisbursementStateMachine.Answer)], batch: TransferBatchRecord, problem: String,
                context: JobContext, logger: Logger) async throws {
        let unknown = answers.filter { $0.1 == .unknown }.count
        if unknown == 0 {
            let summary = try await context.withCompletingTransaction { connection in
                try await batch.record(answers, problem: nil, retry: rails.retry, inquiryInterval: rails.inquiryInterval, time: rails.time,
                                 on: connection)
            }
            logger.info("batch answered", metadata: ["outcomes": "\(summary)"])
            return
        }
        let summary = try await context.database.transaction("record the known outcomes of batch \(batch.messageID)") { connection in
            try await batch.record(answers, problem: problem, retry: rails.retry, inquiryInterval: rails.inquiryInterval, time: rails.time,
                                 on: connection)
        }
        logger.notice("batch outcome partly unknown: inquiring later", metadata: ["outcomes": "\(summary)", "reason": "\(problem)",
                                                                                 "unknown": "\(unknown)"])
        throw waitForOutcomes(batch)
    }
}
