import ChitraCore
import ChitraRails

/// The simulated bank's side of each debtor account (a unit's paying account): a debit for every
/// credit it makes (two when a careless gateway credits a transfer twice), a charge per payment
/// file, and, for a share of credits fixed by the seed, the money coming back some days later as a
/// credit entry with the original EndToEndId and the reason (AC04 closed, AC06 blocked, MD07
/// deceased). Entries keep the bank's reference they were given: a statement asked twice is the
/// same statement.
struct DebtorLedger {
    struct Account {
        var institution: String
        var entries: [BankStatement.Entry] = []
    }

    let openingVND: Int64
    private(set) var accounts: [String: Account] = [:]
    /// Entries given back on a recall (a second entry is never given).
    private var recalled: Set<String> = []
    /// The return planned for a debit's credit, by the debit's reference.
    private var returnOf: [String: String] = [:]
    private var references = 0
    /// Transfers debited so far.
    private(set) var debits = 0

    init(openingVND: Int64) {
        self.openingVND = openingVND
    }

    private mutating func reference(_ institution: String) -> String {
        references += 1
        return "\(institution)-\(references)"
    }

    /// A transfer credited from `account` on `day`; its return, if the plan has one for it.
    mutating func debit(_ account: String, institution: String, endToEndID: String, amountVND: Int64, on day: Day,
                        returned: (reason: String, after: Int)?) {
        debits += 1
        let sent = reference(institution)
        accounts[account, default: Account(institution: institution)].entries.append(
            .init(servicerReference: sent, amountVND: amountVND, direction: .debit, bookingDay: day, code: .transferSent, endToEndID: endToEndID))
        if let returned {
            returnOf[sent] = comeBack(account, institution: institution, endToEndID: endToEndID, amountVND: amountVND, sent: day, returned)
        }
    }

    /// A credit coming back `returned.after` days after `sent`, with its reason; the return's reference.
    @discardableResult
    private mutating func comeBack(_ account: String, institution: String, endToEndID: String, amountVND: Int64, sent day: Day,
                                   _ returned: (reason: String, after: Int)) -> String {
        let back = Day(daysSince2000: day.daysSince2000 + returned.after), reference = reference(institution)
        accounts[account, default: Account(institution: institution)].entries.append(
            .init(servicerReference: reference, amountVND: amountVND, direction: .credit, bookingDay: back, code: .transferReturned,
                  endToEndID: endToEndID, returnReason: returned.reason))
        return reference
    }

    /// A credit a batch-booked file made, to debit with the others: its return, if the plan has one.
    typealias BookedCredit = (endToEndID: String, amountVND: Int64, returned: (reason: String, after: Int)?)

    /// A batch-booked file's credits from `account` on `day`: one debit for them all, its details
    /// each transfer; each return, if the plan has one, comes back on its own.
    mutating func debit(_ account: String, institution: String, batch messageID: String, _ credits: [BookedCredit], on day: Day) {
        debits += credits.count
        let total = credits.reduce(Int64(0)) { $0 + $1.amountVND }
        let batch = BankStatement.Batch(messageID: messageID, count: credits.count, totalVND: total,
                                        transactions: credits.map { .init(endToEndID: $0.endToEndID, amountVND: $0.amountVND) })
        accounts[account, default: Account(institution: institution)].entries.append(
            .init(servicerReference: reference(institution), amountVND: total, direction: .debit, bookingDay: day, code: .transferSent, batch: batch))
        for credit in credits {
            if let returned = credit.returned {
                comeBack(account, institution: institution, endToEndID: credit.endToEndID, amountVND: credit.amountVND, sent: day, returned)
            }
        }
    }

    /// The bank's fee for a payment file, as an entry of its own.
    mutating func charge(_ account: String, institution: String, amountVND: Int64, on day: Day) {
        guard amountVND > 0 else { return }
        let charged = reference(institution)
        accounts[account, default: Account(institution: institution)].entries.append(
            .init(servicerReference: charged, amountVND: amountVND, direction: .debit, bookingDay: day, code: .charge))
    }

    /// A recall of the debit `entry` of `account` for `endToEndID`: a second debit of the transfer
    /// is given back (once) as a credit booked on `day`, and its credit, if it was to come back
    /// later, comes back no more; any other is refused with camt.029's reason: NOOR no such debit,
    /// CUST the transfer's first debit (the payment the customer made), ARDT a credit that came
    /// back already. Returns nil when accepted, else the reason of the refusal.
    mutating func recall(_ account: String, entry: String, endToEndID: String, on day: Day) -> String? {
        guard let known = accounts[account],
              let debit = known.entries.first(where: { $0.servicerReference == entry && $0.direction == .debit && $0.endToEndID == endToEndID }) else {
            return "NOOR"
        }
        if recalled.contains(entry) { return nil }
        let first = known.entries.first { $0.direction == .debit && $0.code == .transferSent && $0.endToEndID == endToEndID }
        guard first?.servicerReference != entry else { return "CUST" }
        if let planned = returnOf[entry], let index = known.entries.firstIndex(where: { $0.servicerReference == planned }) {
            guard known.entries[index].bookingDay > day else { return "ARDT" }
            accounts[account]?.entries.remove(at: index)
        }
        recalled.insert(entry)
        let back = reference(known.institution)
        accounts[account]?.entries.append(.init(servicerReference: back, amountVND: debit.amountVND, direction: .credit, bookingDay: day,
                                                code: .recallCredited, endToEndID: endToEndID, returnReason: "DUPL"))
        return nil
    }

    /// The bank keeping `account` (its BIN), if any.
    func institution(of account: String) -> String? { accounts[account]?.institution }

    /// The account's notification (camt.054) of the entries booked on `day` so far (nil: no such
    /// account, or none that day). Its id names how many entries it carries: asked again with
    /// nothing new, it is the same notification.
    func notification(_ account: String, on day: Day, createdAt: String) -> BankStatement? {
        guard let known = accounts[account] else { return nil }
        let entries = known.entries.filter { $0.bookingDay == day }
        guard !entries.isEmpty else { return nil }
        let id = "NTF-\(account)-\(day)-\(entries.count)"
        return BankStatement(kind: .notification, messageID: id, statementID: id, sequenceNumber: 0, createdAt: createdAt, account: account,
                             institution: known.institution, day: day, openingVND: 0, entries: entries)
    }

    /// The account's statement of `day` (nil: no such account, or a day before its first entry).
    /// Its number in the sequence counts the days from the account's first entry, so each day has
    /// one number, whenever it is asked.
    func statement(_ account: String, on day: Day, createdAt: String) -> BankStatement? {
        guard let known = accounts[account], let first = known.entries.map(\.bookingDay).min(), day >= first else { return nil }
        let before = known.entries.filter { $0.bookingDay < day }.reduce(openingVND) { $0 + $1.signedVND }
        let entries = known.entries.filter { $0.bookingDay == day }
        let sequence = day.daysSince2000 - first.daysSince2000 + 1
        return BankStatement(messageID: "STMT-\(account)-\(day)", statementID: "\(account)-\(day)", sequenceNumber: sequence,
                             createdAt: "\(day)T23:59:59", account: account, institution: known.institution, day: day,
                             openingVND: before, entries: entries)
    }
}
