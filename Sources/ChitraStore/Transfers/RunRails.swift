import ChitraCore
import Foundation
import PostgresNIO

/// What the rails' driver (a run's `submit` job) reads and does between batches: what is still in
/// motion, which transfers are due for an inquiry, and the district's automatic fallback day.
public enum RunRails {
    public struct Motion: Sendable, Hashable {
        /// Approved bank and wallet transfers, not yet sent.
        public var approved: Int
        /// Sent, accepted or pending: an answer or a settlement is coming.
        public var inFlight: Int
        /// Failed, with an automatic retry scheduled.
        public var retrying: Int
        /// Failed for good or out of retries: finance decides.
        public var waitingForFinance: Int
        /// Of `inFlight`, those accepted or pending: the gateway is asked about them.
        public var awaitingInquiry = 0

        /// Something the rails will act on by themselves soon.
        public var isMoving: Bool { approved + inFlight + retrying > 0 }
    }

    public static func motion(runID: Int64, database: Database) async throws -> Motion {
        for try await (approved, inFlight, retrying, waiting, inquiry) in try await database.query(
            TransferSQL.motion(runID: runID), "read run \(runID)'s transfers").decode((Int64, Int64, Int64, Int64, Int64).self) {
            return Motion(approved: Int(approved), inFlight: Int(inFlight), retrying: Int(retrying), waitingForFinance: Int(waiting),
                          awaitingInquiry: Int(inquiry))
        }
        return Motion(approved: 0, inFlight: 0, retrying: 0, waitingForFinance: 0)
    }

    /// Accepted and pending transfers of the run whose next inquiry is due by `time` (at most `limit`).
    public static func dueInquiries(runID: Int64, limit: Int, time: DatabaseTime = .database, database: Database) async throws -> [OpenTransfer] {
        var transfers: [OpenTransfer] = []
        for try await (id, rail, institution, state, attempts, batch, amount, beneficiary) in try await database.query(
            TransferSQL.dueInquiries(runID: runID, limit: limit, now: time.now), "read run \(runID)'s transfers due for an inquiry")
            .decode((String, String, String?, String, Int32, String, Int64, String).self) {
            guard let rail = Rail(rawValue: rail), let state = DisbursementState(rawValue: state) else { continue }
            transfers.append(OpenTransfer(endToEndID: id, beneficiaryID: beneficiary, amount: Money(dong: amount), rail: rail, institution: institution ?? "",
                                          account: "", accountName: "", state: state, attempts: Int(attempts), batchMessageID: batch))
        }
        return transfers
    }

    /// On or after the district's fallback day (in the month of the run or later), every failed
    /// transfer of the run goes to the post office's list. Returns how many went.
    public static func fallBackOnFallbackDay(runID: Int64, today: Day, database: Database) async throws -> Int {
        try await database.transaction("fall back run \(runID)'s failed transfers on the district's fallback day") { connection in
            var setting: (Int32?, String)?
            for try await row in try await connection.send(TransferSQL.fallbackDay(runID: runID), logger: Database.quiet)
                .decode((Int32?, String).self) { setting = row }
            guard let (day, periodText) = setting, let day, let period = Period(periodText.prefix(7)),
                  today.period > period || (today.period == period && today.day >= Int(day)) else { return 0 }
            var failed: [(String, String)] = []
            for try await (id, reason) in try await connection.send(TransferSQL.failedOfRun(runID: runID), logger: Database.quiet)
                .decode((String, String).self) {
                failed.append((id, "fallback day \(day)" + (reason.isEmpty ? "" : " after \(reason)")))
            }
            guard !failed.isEmpty else { return 0 }
            return try await TransferOutcomes.fallBack(failed, by: nil, on: connection)
        }
    }

    /// Pays the run out if every disbursement has its outcome, and completes it if its month
    /// closes at once (no transfer by bank); nil when it is still paying.
    public static func completeIfSettled(runID: Int64, database: Database) async throws -> RunState? {
        try await database.transaction("pay out run \(runID) if settled") { connection in
            let finished = try await RunSettlement.completeIfSettled(runIDs: [runID], on: connection)
            return finished.completed.contains(runID) ? .completed : finished.paidOut.contains(runID) ? .paidOut : nil
        }
    }

    /// Today in Vietnam.
    public static func today(_ now: Date = Date()) -> Day { VietnamTime.today(now) }
}

extension RunRails {
    /// The run's month and state, or nil when there is no such run.
    public static func run(_ runID: Int64, database: Database) async throws -> (period: Period, state: RunState)? {
        for try await (period, state) in try await database.query(TransferSQL.runOf(runID: runID), "read run \(runID)").decode((String, String).self) {
            guard let period = Period(period.prefix(7)), let state = RunState(rawValue: state) else { return nil }
            return (period, state)
        }
        return nil
    }
}
