import ChitraCore
import ChitraRails
import ChitraStore
import Logging

/// The step after approval, and the rails' driver for the run until it is completed (an approved
/// run's cash is on the post office's list without a write): each pass batches what is due on the bank and wallet rails
/// (approved transfers, and failed ones whose retry is due; their `transfer` jobs send them),
/// asks about accepted and pending transfers, applies the district's fallback day, and completes
/// the run once every disbursement is terminal. Between passes it waits (snoozed): a second while
/// money is moving, longer while only finance or the post office can move it.
public struct SubmitHandler: JobHandler {
    public let kind = JobKind.submit
    let rails: RailSet
    public var movingRecheck = Duration.seconds(1)
    public var idleRecheck = Duration.seconds(30)
    /// Inquiries per pass.
    public static let inquiriesPerPass = 5_000

    public init(rails: RailSet) {
        self.rails = rails
    }

    public func run(_ context: JobContext) async throws {
        let args = try context.job.decodeArgs(RunSubmission.Args.self)
        var logger = context.logger
        logger[metadataKey: "chitra.run_id"] = "\(args.runID)"
        guard let (period, state) = try await RunRails.run(args.runID, database: context.database), state == .approved else {
            // Completed (every disbursement settled), or gone: nothing left to drive.
            try await context.withCompletingTransaction { _ in }
            return
        }
        logger[metadataKey: LogKey.period] = "\(period)"
        let district = context.job.districtCode
        // One read of what the run has on the rails decides what this pass does: each step below
        // reads the run's disbursements on the rails again, tens of thousands in a large district.
        let motion = try await RunRails.motion(runID: args.runID, database: context.database)
        if motion.approved > 0 || motion.retrying > 0 {
            try await batchDue(runID: args.runID, district: district, period: period, database: context.database, logger: logger)
        }
        if motion.awaitingInquiry > 0 {
            try await inquire(runID: args.runID, database: context.database, logger: logger)
        }

        if motion.retrying + motion.waitingForFinance > 0 {
            let fallen = try await RunRails.fallBackOnFallbackDay(runID: args.runID, today: RunRails.today(), database: context.database)
            if fallen > 0 { logger.notice("failed transfers sent to cash on the district's fallback day", metadata: ["count": "\(fallen)"]) }
        }

        // Nothing left on the rails: the run completes once the post office has confirmed its cash.
        if !motion.isMoving, let state = try await RunRails.completeIfSettled(runID: args.runID, database: context.database) {
            logger.info(state == .completed ? "run completed: every disbursement has its outcome, nothing to settle on a statement"
                                            : "run paid out: every disbursement has its outcome; the month closes on the bank's statements")
            try await context.withCompletingTransaction { _ in }
            return
        }
        if motion.approved > 0, rails.bank == nil || rails.wallet == nil {
            logger.info("approved transfers wait for a worker with their rail's gateway", metadata: ["count": "\(motion.approved)"])
        }
        throw JobSnooze(for: motion.isMoving ? movingRecheck : idleRecheck, priority: TransferBatching.begunPriority)
    }

    /// Batches what is due on each rail this worker has a gateway for.
    private func batchDue(runID: Int64, district: String, period: Period, database: Database, logger: Logger) async throws {
        for rail in [Rail.bank, .wallet] where rails.rail(rail) != nil {
            let batches = try await TransferBatching.batchDue(runID: runID, district: district, period: period, rail: rail,
                                                              maximumTransfers: rails.batchSize, time: rails.time, database: database)
            if !batches.isEmpty {
                logger.info("transfers batched", metadata: ["rail": "\(rail.rawValue)", "batches": "\(batches.count)",
                                                            "transfers": "\(batches.reduce(0) { $0 + $1.transfers })"])
            }
        }
    }

    /// Asks the gateways about accepted and pending transfers whose inquiry is due, and records
    /// what they say.
    private func inquire(runID: Int64, database: Database, logger: Logger) async throws {
        let due = try await RunRails.dueInquiries(runID: runID, limit: Self.inquiriesPerPass, time: rails.time, database: database)
        guard !due.isEmpty else { return }
        let (answers, problem) = await rails.inquireByBatch(due)
        let summary = try await database.transaction("record inquiries of run \(runID)") { connection in
            try await TransferOutcomes.record(answers, batch: nil, retry: rails.retry, inquiryInterval: rails.inquiryInterval, time: rails.time,
                                              on: connection)
        }
        logger.debug("accepted and pending transfers asked about", metadata: ["outcomes": "\(summary)"])
        if let problem { logger.notice("some inquiries got no answer", metadata: ["reason": "\(problem)"]) }
    }
}
