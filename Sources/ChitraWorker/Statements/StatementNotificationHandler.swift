import ChitraCore
import ChitraRails
import ChitraStore
import Logging
import PostgresNIO

/// Fetches a paying account's entries of today so far (camt.054) from the bank's gateway and takes
/// them in, then asks again every few minutes while the day lasts: a transfer is settled the hour
/// its debit is booked, not the next morning. Each notification is taken in once (by its id), in
/// its own transaction; the last one, asked once the day has ended (by the database's clock, the
/// queue's), completes the job. The day's statement brings the same entries again and changes none.
public struct StatementNotificationHandler: JobHandler {
    public let kind = StatementJobs.notificationsKind
    let rails: RailSet

    public init(rails: RailSet) {
        self.rails = rails
    }

    public func run(_ context: JobContext) async throws {
        let args = try context.job.decodeArgs(StatementJobs.NotificationArgs.self)
        guard let day = Day(args.day), args.every > 0 else { throw JobDiscard("\(args.day) every \(args.every) s asks for no day's notifications") }
        let unit = context.job.districtCode
        // Asked before the fetch: what is fetched after the day has ended is the day's last word.
        let ended = try await StatementJobs.hasEnded(day, database: context.database)
        guard let bank = rails.statements else {
            if ended { throw JobDiscard("no bank gateway is configured on this worker, and \(day) has ended: its statement brings its entries") }
            context.logger.warning("no bank gateway is configured on this worker: the notifications wait (give --bank-url)")
            throw JobSnooze(for: TransferHandler.misconfiguredWait)
        }
        let account = try await StatementFetchHandler.payingAccount(of: unit, context)
        do {
            try await takeIn(day: day, unit: unit, account: account, from: bank, ended: ended, context)
        } catch let error where !ended && !(error is JobSnooze) && !(error is JobDiscard) {
            // While the day lasts, a failed ask is asked again at the next turn, not counted
            // against the job's attempts (a whole day of turns would use them up).
            context.logger.warning("the day's notification was not taken in; asked again later", metadata: ["chitra.error": "\(error)"])
            throw JobSnooze(for: .seconds(args.every))
        }
        if !ended { throw JobSnooze(for: .seconds(args.every)) }
    }

    /// Fetches the day's notification and takes it in, unless it was already (the same one while
    /// nothing is new: no transaction, no audit entry); once the day has ended, with the job's completion.
    private func takeIn(day: Day, unit: String, account: String, from bank: any AccountStatements, ended: Bool, _ context: JobContext) async throws {
        guard let bytes = try await bank.notification(account: account, day: day) else {
            // Nothing booked that day.
            if ended { try await context.withCompletingTransaction { _ in } }
            return
        }
        let (format, statements) = try await StatementFile.readOffloaded(bytes)
        var new = false
        for statement in statements where try await !StatementJobs.notificationTaken(account: statement.account, id: statement.statementID,
                                                                                      database: context.database) {
            new = true
            break
        }
        guard new else {
            if ended { try await context.withCompletingTransaction { _ in } }
            return
        }
        @Sendable func take(on connection: PostgresConnection) async throws {
            let outcome = try await StatementImport.take(statements, format: format, sha256: RegisterFile.sha256(of: bytes),
                                                         fileName: "camt.054-\(unit)-\(day)", by: .system(StatementFetchHandler.actor, districts: [unit]),
                                                         on: connection)
            context.logger.info("notification taken in", metadata: ["chitra.day": "\(day)", "chitra.outcome": "\(outcome)"])
        }
        if ended { return try await context.withCompletingTransaction(take) }
        try await context.database.transaction("take in the notification of \(unit) of \(day)", take)
    }
}
