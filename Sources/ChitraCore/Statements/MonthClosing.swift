/// When a paid-out run's month closes: finance closes a month on the paying account's statements,
/// not on the bank's status reports. A run whose every disbursement has its outcome is `paidOut`;
/// it becomes `completed` when nothing below stands in the way. Bank and wallet transfers alike
/// leave the paying account (a wallet provider collects its batch's credits from it), so both are
/// settled by its statements. A month of which neither the bank nor a wallet provider accepted a
/// transfer (cash only, or every transfer rejected and paid in cash) has nothing on a statement
/// and closes at once.
public enum MonthClosing {
    /// What the store knows of a paid-out run and its unit's statements.
    public struct Facts: Sendable, Hashable {
        /// The bank or a wallet provider accepted a transfer of the run (paid, settled, or returned
        /// on a statement).
        public var acceptedOnRails: Bool
        /// Those still `paid`: accepted on their rail, not yet debited (or returned) on a statement.
        public var notDebited: Int
        /// Breaks of the unit's statements not closed (open, or a duplicate being recalled).
        public var openBreaks: Int
        /// Statement numbers missing in the unit's accounts' sequences.
        public var missingStatements: Int
        /// The day (in Vietnam) the run got its last outcome: the post office's deadline passed,
        /// its cash closed.
        public var paidOutOn: Day
        /// The latest statement taken in for the unit, if any.
        public var lastStatementDay: Day?
        /// Money back taken in ahead of the second debit it gives back (a statement not yet in).
        public var returnsAhead: Int

        public init(acceptedOnRails: Bool, notDebited: Int, openBreaks: Int, missingStatements: Int, paidOutOn: Day, lastStatementDay: Day?,
                    returnsAhead: Int = 0) {
            self.returnsAhead = returnsAhead
            self.acceptedOnRails = acceptedOnRails
            self.notDebited = notDebited
            self.openBreaks = openBreaks
            self.missingStatements = missingStatements
            self.paidOutOn = paidOutOn
            self.lastStatementDay = lastStatementDay
        }
    }

    /// What keeps a month open.
    public enum Obstacle: Sendable, Hashable, CustomStringConvertible {
        /// Transfers accepted on their rail that no statement has debited yet.
        case notDebited(Int)
        /// Breaks finance has still to work.
        case openBreaks(Int)
        /// Statements missing in the sequence.
        case missingStatements(Int)
        /// No statement yet of the day the run was paid out, or of any later day.
        case statementsBefore(Day)
        /// Money back waiting for the debit it gives back, on a statement not yet in.
        case returnsAhead(Int)

        public var description: String {
            switch self {
            case .notDebited(let n): "\(n) transfer\(n == 1 ? "" : "s") accepted by the bank or wallet provider but not yet debited on a statement"
            case .openBreaks(let n): "\(n) break\(n == 1 ? "" : "s") not closed"
            case .missingStatements(let n): "\(n) statement\(n == 1 ? "" : "s") missing in the sequence"
            case .statementsBefore(let day): "no statement yet of \(day) or later"
            case .returnsAhead(let n): "\(n) return\(n == 1 ? "" : "s") of money back waiting for the debit \(n == 1 ? "it gives" : "they give") back, "
                + "on a statement not yet taken in (the account's statements from the day the run was approved)"
            }
        }
    }

    /// What keeps the month of `facts` open; none: it closes.
    public static func obstacles(_ facts: Facts) -> [Obstacle] {
        guard facts.acceptedOnRails else { return [] }
        var obstacles: [Obstacle] = []
        if facts.notDebited > 0 { obstacles.append(.notDebited(facts.notDebited)) }
        if facts.openBreaks > 0 { obstacles.append(.openBreaks(facts.openBreaks)) }
        if facts.missingStatements > 0 { obstacles.append(.missingStatements(facts.missingStatements)) }
        if facts.lastStatementDay.map({ $0 < facts.paidOutOn }) ?? true { obstacles.append(.statementsBefore(facts.paidOutOn)) }
        if facts.returnsAhead > 0 { obstacles.append(.returnsAhead(facts.returnsAhead)) }
        return obstacles
    }

    /// One sentence: why the month of `unit` is still open, or that it closed.
    public static func sentence(unit: String, period: Period, _ obstacles: [Obstacle]) -> String {
        guard !obstacles.isEmpty else { return "The month \(period) of unit \(unit) is closed against the bank's statements." }
        return "The month \(period) of unit \(unit) is paid out and stays open: " + obstacles.map(\.description).joined(separator: "; ") + "."
    }
}
