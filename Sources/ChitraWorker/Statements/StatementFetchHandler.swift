import ChitraCore
import ChitraRails
import ChitraStore
import Foundation
import Logging
import PostgresNIO

/// Fetches a paying account's statement of one day from the bank's gateway and takes it in, in the
/// transaction that completes the job (`StatementImport`: the same statement twice changes
/// nothing). Asked daily, it then enqueues the next day's, due once that day has ended.
public struct StatementFetchHandler: JobHandler {
    public let kind = StatementJobs.fetchKind
    let rails: RailSet
    /// Who takes a fetched statement in, as the audit log names it.
    public static let actor = "Chitra (sao kê tự động)"
    /// How long after a day has ended (in Vietnam) its statement is first asked for.
    public static let afterDayEnds = Duration.seconds(1_800)

    public init(rails: RailSet) {
        self.rails = rails
    }

    public struct NoStatementYet: Error, CustomStringConvertible {
        var account: String
        var day: Day
        public var description: String { StatementJobs.noStatementYet(account: account, day: day) }
    }

    public func run(_ context: JobContext) async throws {
        let args = try context.job.decodeArgs(StatementJobs.FetchArgs.self)
        guard let day = Day(args.day) else { throw JobDiscard("\(args.day) is no day (YYYY-MM-DD)") }
        let unit = context.job.districtCode
        guard let bank = rails.statements else {
            context.logger.warning("no bank gateway is configured on this worker: the statement waits (give --bank-url)")
            throw JobSnooze(for: TransferHandler.misconfiguredWait)
        }
        let account = try await Self.payingAccount(of: unit, context)
        // A day the bank has no statement for yet is asked again with the queue's backoff (about a
        // day of attempts); the job's errors say so. Asked daily, a day it never has one of (no
        // entry that day, a bank holiday) must not end the chain: on the last attempt the day is
        // let go and the next one asked; a statement truly missing shows as a gap in the sequence
        // once the next one is in.
        guard let bytes = try await bank.statement(account: account, day: day) else {
            guard args.daily, context.job.attempt >= context.job.maxAttempts else { throw NoStatementYet(account: account, day: day) }
            context.logger.warning("the bank never had a statement of this day: the next day's is asked", metadata: ["chitra.day": "\(day)"])
            try await context.withCompletingTransaction { try await Self.askNext(after: day, unit: unit, on: $0) }
            return
        }
        let (format, statements) = try await StatementFile.readOffloaded(bytes)
        try await context.withCompletingTransaction { connection in
            let outcome = try await StatementImport.take(statements, format: format, sha256: RegisterFile.sha256(of: bytes),
                                                         fileName: "\(format)-\(unit)-\(day)", by: .system(Self.actor, districts: [unit]), on: connection)
            context.logger.info("statement taken in", metadata: ["chitra.day": "\(day)", "chitra.outcome": "\(outcome.description)"])
            if args.daily { try await Self.askNext(after: day, unit: unit, on: connection) }
        }
    }

    /// The account `unit` pays from; a unit without one discards the job.
    static func payingAccount(of unit: String, _ context: JobContext) async throws -> String {
        do {
            return try await context.database.transaction("read the paying account of \(unit)") {
                try await StatementJobs.payingAccount(of: unit, on: $0).account
            }
        } catch let failure as StatementJobs.Failure {
            throw JobDiscard(failure.description)
        }
    }

    /// The next day's statement, asked half an hour after that day ends in Vietnam.
    private static func askNext(after day: Day, unit: String, on connection: PostgresConnection) async throws {
        let next = Day(daysSince2000: day.daysSince2000 + 1)
        let due = VietnamTime.startOfDay(Day(daysSince2000: next.daysSince2000 + 1)).addingTimeInterval(Double(afterDayEnds.components.seconds))
        _ = try await JobQueue.enqueue(StatementJobs.fetch(unit: unit, day: next, daily: true, runAt: due), on: connection)
    }
}
