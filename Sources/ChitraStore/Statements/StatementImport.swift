import ChitraCore
import PostgresNIO

/// `chitra statements import FILE`: a bank's statements of a paying account taken in and
/// reconciled, the whole file in one transaction with its audit entry. Each statement once (by the
/// account's sequence number), each entry once (by the bank's reference): the same file again
/// changes nothing; an entry delivered again with other facts is a break, never an overwrite.
/// Booked debits settle their transfers (`StatementMatching`), returns return them, and what does
/// not match is a break for finance.
public enum StatementImport {
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// No payout unit of the caller's pays from the account on the statement's day.
        case noUnit(account: String, bank: String, day: Day)
        case severalUnits(account: String, bank: String, units: [String])
        /// The transfers changed while the statement was matched (the rails answered meanwhile).
        case changed(account: String, sequence: Int)

        public var description: String {
            switch self {
            case .noUnit(let account, let bank, let day):
                "No payout unit of yours pays from account ****\(account.suffix(4)) at bank \(bank) on \(day): nothing was taken in (set it with `chitra districts account`)."
            case .severalUnits(let account, let bank, let units):
                "Account ****\(account.suffix(4)) at bank \(bank) is the paying account of units \(units.joined(separator: ", ")): give each unit its own account; nothing was taken in."
            case .changed(let account, let sequence):
                "The transfers of statement \(sequence) of account ****\(account.suffix(4)) changed while it was reconciled; nothing was taken in: take the file in again."
            }
        }
    }

    public struct Outcome: Sendable, Hashable, Codable, CustomStringConvertible {
        public var statements = 0
        /// Intraday notifications (camt.054) of the file.
        public var notifications = 0
        /// Statements (or notifications) of this file taken in before (their new entries, if any, were taken now).
        public var statementsAlreadyIn = 0
        public var entries = 0
        public var entriesAlreadyIn = 0
        public var settled = 0
        public var returned = 0
        public var waiting = 0
        public var charges = 0
        /// Second debits given back on recall (their breaks closed).
        public var recovered = 0
        /// Breaks opened, by kind.
        public var breaks: [String: Int] = [:]
        /// Statement numbers missing in an account's sequence, by account (masked).
        public var gaps: [String: [Int]] = [:]
        public var units: [String] = []
        /// Runs whose month these statements closed (`RunClosing`).
        public var completedRuns: [Int64] = []

        public var breaksOpened: Int { breaks.values.reduce(0, +) }

        public var description: String {
            let files = statements + notifications
            let noun = notifications == 0 ? "statement" : statements == 0 ? "notification" : "statements and notification"
            if entries == 0 && breaksOpened == 0 && statementsAlreadyIn == files {
                return files == 1 ? "This \(noun) was already taken in; nothing changed."
                    : "These \(files) \(noun)s were already taken in; nothing changed."
            }
            var text = "Took in \(files) \(noun)\(files == 1 ? "" : "s") with \(entries) new entries: \(settled) transfers settled, "
                + "\(returned) returned (owed again), \(waiting) debits waiting for the bank's answer, \(recovered) second debits given back, \(charges) charges"
            text += breaksOpened == 0 ? ", no break." : "; \(breaksOpened) break\(breaksOpened == 1 ? "" : "s") to look at ("
                + breaks.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ": `chitra statements breaks`"
                + (breaks["duplicate"].map { "; the \($0) duplicate\($0 == 1 ? " is" : "s are") being recalled" } ?? "") + ")."
            for (account, missing) in gaps.sorted(by: { $0.key < $1.key }) where !missing.isEmpty {
                text += " Statements missing for account \(account): \(missing.map(String.init).joined(separator: ", "))."
            }
            if !completedRuns.isEmpty {
                text += " The month of run\(completedRuns.count == 1 ? "" : "s") \(completedRuns.map(String.init).joined(separator: ", ")) closed: "
                    + "every transfer settled or returned, no break open."
            }
            return text
        }
    }

    /// Takes in `statements` read from one file (`format`: camt.053 or mt940).
    public static func take(_ statements: [BankStatement], format: String, sha256: String, fileName: String, by identity: Identity,
                            database: Database) async throws -> Outcome {
        try await database.transaction("take in the statements of \(fileName)") { connection in
            try await take(statements, format: format, sha256: sha256, fileName: fileName, by: identity, on: connection)
        }
    }

    /// The same, in the caller's transaction (a worker's fetch job, which completes with it).
    public static func take(_ statements: [BankStatement], format: String, sha256: String, fileName: String, by identity: Identity,
                            on connection: PostgresConnection) async throws -> Outcome {
        var outcome = Outcome()
        for statement in statements {
            try await take(statement, format: format, sha256: sha256, fileName: fileName, by: identity.name, on: connection, into: &outcome)
        }
        for unit in outcome.units {
            outcome.completedRuns += try await RunClosing.closeIfReconciled(unit: unit, on: connection)
            try await AuditLog.append(AuditEntry(by: identity, .importStatements, district: unit, subject: fileName,
                                                 after: ["statements": .number(Int64(outcome.statements)), "entries": .number(Int64(outcome.entries)),
                                                         "settled": .number(Int64(outcome.settled)), "returned": .number(Int64(outcome.returned)),
                                                         "breaks": .number(Int64(outcome.breaksOpened)), "sha256": .text(sha256)]),
                                      on: connection)
        }
        return outcome
    }

    private static func take(_ statement: BankStatement, format: String, sha256: String, fileName: String, by person: String,
                             on connection: PostgresConnection, into outcome: inout Outcome) async throws {
        let account = statement.account
        var units: [(code: String, graceDays: Int32)] = []
        for try await row in try await connection.send(StatementSQL.payingUnits(account: account, bank: statement.institution, day: statement.day),
                                                       logger: Database.quiet).decode((String, Int32).self) { units.append(row) }
        guard let (unit, graceDays) = units.first else { throw Failure.noUnit(account: account, bank: statement.institution, day: statement.day) }
        guard units.count == 1 else { throw Failure.severalUnits(account: account, bank: statement.institution, units: units.map(\.code)) }
        // One import of an account's statements at a time (a worker's daily fetch beside a file
        // uploaded by hand): a debit seen by one is seen by the other, never both `waiting`.
        try await connection.execute(StatementSQL.lockAccount(account), logger: Database.quiet)
        if !outcome.units.contains(unit) { outcome.units.append(unit) }

        let isStatement = statement.kind == .statement
        var recorded: (id: Int64, new: Bool, opening: Int64, closing: Int64)?
        let record = isStatement ? StatementSQL.record(statement, unit: unit, format: format, sha256: sha256, fileName: fileName, by: person)
            : StatementSQL.recordNotification(statement, unit: unit, sha256: sha256, fileName: fileName, by: person)
        for try await row in try await connection.send(record, logger: Database.quiet).decode((Int64, Bool, Int64, Int64).self) { recorded = row }
        guard let recorded else { throw Failure.changed(account: account, sequence: statement.sequenceNumber) }
        if isStatement { outcome.statements += 1 } else { outcome.notifications += 1 }
        if !recorded.new { outcome.statementsAlreadyIn += 1 }
        var breaks = StatementSQL.Breaks()
        if isStatement && !recorded.new && (recorded.opening, recorded.closing) != (statement.openingVND, statement.closingVND) {
            breaks.append(reference: nil, .init(kind: .changed, expectedVND: recorded.closing,
                                                detail: "statement \(statement.sequenceNumber) delivered again with other balances"), id: nil, actual: statement.closingVND)
        }

        // A batch booked as one entry that adds up stands for its transfers' entries. Entries taken
        // in before: unchanged ones are skipped, a pending one now booked is taken again, any other
        // change is a break.
        let booked = StatementMatching.unbatched(statement.entries)
        var known: [String: (Int64, String, Bool, String, Int32, String)] = [:]
        for try await (reference, amount, direction, reversal, status, day, id) in try await connection.send(
            StatementSQL.known(account: account, references: booked.map(\.servicerReference)), logger: Database.quiet)
            .decode((String, Int64, String, Bool, String, Int32, String).self) { known[reference] = (amount, direction, reversal, status, day, id) }
        var fresh: [BankStatement.Entry] = []
        for entry in booked {
            guard let before = known[entry.servicerReference] else { fresh.append(entry); continue }
            let same = before.0 == entry.amountVND && before.1 == entry.direction.rawValue && before.2 == entry.reversal
                && Int(before.4) == entry.bookingDay.daysSince2000 && before.5 == (entry.endToEndID ?? "")
            if same && before.3 == entry.status { outcome.entriesAlreadyIn += 1; continue }
            if same && before.3 == "PDNG" { fresh.append(entry); continue }
            breaks.append(reference: entry.servicerReference, .init(kind: .changed, expectedVND: before.0,
                                                                    detail: "entry \(entry.servicerReference) delivered again with other facts"),
                          id: entry.endToEndID, actual: entry.amountVND)
        }

        // What the fresh entries do to the transfers they name.
        let ids = Array(Set(fresh.compactMap(\.endToEndID)))
        var transfers = try await matched(ids, unit: unit, on: connection)
        let before = transfers
        let decisions = StatementMatching.decide(fresh, transfers: &transfers)
        var entries = StatementSQL.Entries()
        var moves = Moves()
        var givenBack = GivenBack(), debited: [BankStatement.Entry] = []
        for (entry, decision) in zip(fresh, decisions) {
            entries.append(entry, outcome: decision.outcome)
            if decision.outcome == .settled || decision.outcome == .waiting { debited.append(entry) }
            if let raised = decision.breakRaised {
                breaks.append(reference: entry.servicerReference, raised, id: entry.endToEndID, actual: entry.amountVND)
            }
            if let next = decision.next, let id = entry.endToEndID, let was = before[id]?.state {
                moves.add(id, from: was, to: next, day: entry.bookingDay, reason: entry.returnReason)
            }
            outcome.count(decision.outcome)
        }
        outcome.entries += fresh.count
        try await connection.execute(StatementSQL.insert(entries, account: account, statement: recorded.id, unit: unit), logger: Database.quiet)
        try await moves.apply(unit: unit, on: connection, failure: .changed(account: account, sequence: statement.sequenceNumber))

        try await settleWaiting(unit: unit, on: connection, breaks: &breaks, outcome: &outcome,
                                failure: .changed(account: account, sequence: statement.sequenceNumber))
        if isStatement { try await continuity(statement, on: connection, breaks: &breaks) }
        if !debited.isEmpty {
            try await connection.execute(StatementSQL.debitArrived(ids: debited.compactMap(\.endToEndID), references: debited.map(\.servicerReference),
                                                                   days: debited.map(\.bookingDay.description), by: Self.statementsName),
                                         logger: Database.quiet)
        }
        // A notification is no end of day: only a statement says what was not debited in time, or
        // that the second debit a return waits for is on none.
        if isStatement {
            try await expireAhead(account: account, unit: unit, known: transfers, on: connection, givenBack: &givenBack, breaks: &breaks,
                                  outcome: &outcome, failure: .changed(account: account, sequence: statement.sequenceNumber))
            try await notDebited(unit: unit, on: statement.day.bankingDays(before: Int(graceDays)), graceDays: Int(graceDays), statement: statement.day,
                                 connection: connection, breaks: &breaks)
        }
        // Breaks first, then the money given back (a second debit and its return may stand on one
        // statement), then the recall of the duplicates still open.
        var duplicates: [Int64] = []
        if !breaks.isEmpty {
            for try await (kind, id) in try await connection.send(StatementSQL.raise(breaks, account: account, statement: recorded.id, unit: unit),
                                                                  logger: Database.quiet).decode((String, Int64).self) {
                outcome.breaks[kind, default: 0] += 1
                if kind == StatementBreakKind.duplicate.rawValue { duplicates.append(id) }
            }
        }
        if !givenBack.ids.isEmpty {
            for try await closed in try await connection.send(
                StatementSQL.givenBack(ids: givenBack.ids, references: givenBack.references, days: givenBack.days, by: Self.statementsName),
                logger: Database.quiet)
                .decode(Int64.self) { outcome.recovered += Int(closed) }
        }
        try await recall(duplicates, unit: unit, on: connection)
        var missing: [Int] = []
        for try await n in try await connection.send(StatementSQL.gaps(account: account), logger: Database.quiet).decode(Int32.self) { missing.append(Int(n)) }
        outcome.gaps["****\(account.suffix(4))"] = missing.isEmpty ? nil : missing
    }

    /// What Chitra holds of the transfers `ids` of `unit`, by EndToEndId: as seen, with what the
    /// entries taken in before did to them (a booked debit matched, money given back for a second
    /// debit, returns waiting ahead) and their second debits raised.
    static func matched(_ ids: [String], unit: String, on connection: PostgresConnection) async throws -> [String: StatementMatching.Transfer] {
        var transfers: [String: StatementMatching.Transfer] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 10_000).map({ Array(ids[$0..<min($0 + 10_000, ids.count)]) }) {
            for try await (id, amount, state) in try await connection.send(StatementSQL.transfers(unit: unit, ids: chunk), logger: Database.quiet)
                .decode((String, Int64, String).self) {
                transfers[id] = .init(amountVND: amount, state: DisbursementState(rawValue: state) ?? .computed, debited: false)
            }
            var duplicates: [String: Int] = [:]
            for try await (id, count) in try await connection.send(StatementSQL.duplicatesOf(chunk), logger: Database.quiet).decode((String, Int64).self) {
                duplicates[id] = Int(count)
            }
            for try await (id, direction, reversal, outcome, plainReturn) in try await connection.send(StatementSQL.entriesOf(chunk), logger: Database.quiet)
                .decode((String, String, Bool, String, Bool).self) {
                guard var transfer = transfers[id] else { continue }
                switch outcome {
                case "settled", "waiting": if direction == BankStatement.Direction.debit.rawValue && !reversal { transfer.debited = true }
                case "recalled":
                    duplicates[id, default: 0] -= 1
                    if plainReturn { transfer.returnsForDuplicates += 1 }
                default: break
                }
                transfers[id] = transfer
            }
            for (id, outstanding) in duplicates where outstanding > 0 { transfers[id]?.duplicatesOutstanding = outstanding }
        }
        return transfers
    }

    /// Who closes a break the statement itself settles (a recalled debit given back).
    public static let statementsName = "sao kê ngân hàng"

    /// Duplicates are recalled at once: each break `recalling`, and a `statements.recall` job to ask
    /// the bank, in this transaction.
    private static func recall(_ breaks: [Int64], unit: String, on connection: PostgresConnection) async throws {
        guard !breaks.isEmpty else { return }
        var recalling: [Int64] = []
        for try await id in try await connection.send(StatementSQL.recalling(breaks), logger: Database.quiet).decode(Int64.self) { recalling.append(id) }
        _ = try await JobQueue.enqueue(recalling.map { StatementJobs.recall(breakID: $0, unit: unit) }, on: connection)
    }

    /// Paid transfers no statement debits `graceDays` banking days on: a break each (once).
    private static func notDebited(unit: String, on cutoff: Day, graceDays: Int, statement day: Day, connection: PostgresConnection,
                                   breaks: inout StatementSQL.Breaks) async throws {
        for try await (id, amount) in try await connection.send(StatementSQL.notDebited(unit: unit, cutoff: cutoff), logger: Database.quiet)
            .decode((String, Int64).self) {
            breaks.append(reference: nil, .init(kind: .notDebited, expectedVND: amount,
                                                detail: "\(id) is paid (accepted by the bank or wallet provider) but no statement up to \(day) debits it, \(graceDays) banking days on: ask the bank; never send it again"),
                          id: id, actual: nil)
        }
    }

    /// Debits that waited for their transfer's answer: settled once it is paid, a break if it failed.
    private static func settleWaiting(unit: String, on connection: PostgresConnection, breaks: inout StatementSQL.Breaks, outcome: inout Outcome,
                                      failure: Failure) async throws {
        var byAccount: [String: (references: [String], outcomes: [String])] = [:]
        var settledMoves = Moves()
        for try await (account, reference, _, amount, day, id, sent, state) in try await connection.send(StatementSQL.waiting(unit: unit),
                                                                                                          logger: Database.quiet)
            .decode((String, String, Int64, Int64, Int32, String, Int64, String).self) {
            let seen = DisbursementState(rawValue: state) ?? .computed
            var transfers = [id: StatementMatching.Transfer(amountVND: sent, state: seen, debited: false)]
            let entry = BankStatement.Entry(servicerReference: reference, amountVND: amount, direction: .debit,
                                            bookingDay: Day(daysSince2000: Int(day)), code: .transferSent, endToEndID: id)
            let decision = StatementMatching.decide(entry, transfers: &transfers)
            byAccount[account, default: ([], [])].references.append(reference)
            byAccount[account, default: ([], [])].outcomes.append(decision.outcome.rawValue)
            if let raised = decision.breakRaised { breaks.append(reference: reference, raised, id: id, actual: amount) }
            if let next = decision.next { settledMoves.add(id, from: seen, to: next, day: entry.bookingDay, reason: nil) }
            if decision.outcome == .settled { outcome.settled += 1 }
        }
        for (account, changed) in byAccount {
            try await connection.execute(StatementSQL.setOutcome(account: account, references: changed.references, outcomes: changed.outcomes),
                                         logger: Database.quiet)
        }
        try await settledMoves.apply(unit: unit, on: connection, failure: failure)
    }

    /// A statement whose opening is not the closing of the one before it (or whose closing is not
    /// the opening of the one after it) is a break.
    private static func continuity(_ statement: BankStatement, on connection: PostgresConnection, breaks: inout StatementSQL.Breaks) async throws {
        for try await (sequence, opening, closing) in try await connection.send(
            StatementSQL.neighbours(account: statement.account, sequence: statement.sequenceNumber), logger: Database.quiet)
            .decode((Int32, Int64, Int64).self) {
            if Int(sequence) < statement.sequenceNumber, closing != statement.openingVND {
                breaks.append(reference: nil, .init(kind: .balance, expectedVND: closing,
                                                    detail: "statement \(statement.sequenceNumber) opens at \(statement.openingVND) đồng; statement \(sequence) closed at \(closing)"),
                              id: nil, actual: statement.openingVND)
            }
            if Int(sequence) > statement.sequenceNumber, opening != statement.closingVND {
                breaks.append(reference: nil, .init(kind: .balance, expectedVND: statement.closingVND,
                                                    detail: "statement \(sequence) opens at \(opening) đồng; statement \(statement.sequenceNumber) closed at \(statement.closingVND)"),
                              id: nil, actual: opening)
            }
        }
    }

    /// Transfers to move, each once, from the state it was read in to the last one the entries
    /// took it to.
    struct Moves {
        private var order: [String] = []
        private var byID: [String: (from: DisbursementState, to: DisbursementState, day: Day, reason: String?)] = [:]

        mutating func add(_ id: String, from: DisbursementState, to: DisbursementState, day: Day, reason: String?) {
            if let earlier = byID[id] {
                byID[id] = (earlier.from, to, to == .settled ? day : earlier.day, reason ?? earlier.reason)
            } else {
                order.append(id)
                byID[id] = (from, to, day, reason)
            }
        }

        func apply(unit: String, on connection: PostgresConnection, failure: Failure) async throws {
            let moving = order.compactMap { id in byID[id].flatMap { $0.from == $0.to ? nil : (id, $0) } }
            guard !moving.isEmpty else { return }
            let query = StatementSQL.move(unit: unit, ids: moving.map(\.0), from: moving.map(\.1.from.rawValue), to: moving.map(\.1.to.rawValue),
                                          days: moving.map(\.1.day.description), reasons: moving.map { $0.1.reason ?? "" })
            for try await moved in try await connection.send(query, logger: Database.quiet).decode(Int64.self) where moved != moving.count {
                throw failure
            }
        }
    }
}

extension StatementImport.Outcome {
    mutating func count(_ outcome: StatementMatching.Outcome) {
        switch outcome {
        case .settled: settled += 1
        case .returned: returned += 1
        case .waiting: waiting += 1
        case .charge: charges += 1
        case .recalled, .ahead, .pending, .other, .breakRaised: break
        }
    }
}
