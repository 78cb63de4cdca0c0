import ChitraCore
import ChitraRails
import Foundation

/// The simulated banks and wallet providers: every transfer received (recorded the moment it
/// arrives, so that an inquiry never answers "never arrived" after that), its outcome, and the
/// ledger of credits. A careful gateway deduplicates by EndToEndId (a resend of a transfer it did
/// not reject returns the first answer); a careless one (`--no-dedup`) credits whatever arrives.
actor Gateway {
    enum Status: Equatable {
        case pending(until: ContinuousClock.Instant)
        case paid
        case rejected(String)
    }

    struct Transfer {
        var rail: Rail
        var batchID: String
        var institution: String
        var account: String
        var amount: Int64
        var status: Status
        var arrivals: Int
        /// The account the money leaves (a payment file's debtor), if the rail says.
        var debtor: DebtorAccount?
    }

    struct Credit: Codable, Sendable {
        var endToEndID: String
        var rail: String
        var institution: String
        var account: String
        var amountVND: Int64
        var creditedAt: String

        enum CodingKeys: String, CodingKey {
            case endToEndID = "end_to_end_id", rail, institution, account, amountVND = "amount_vnd", creditedAt = "credited_at"
        }
    }

    /// What a request meets before it is handled.
    enum RequestFault {
        case none
        case slow(Duration)
        case serverError
        case timeout(Duration)
        case lostResponse
        case badAnswer(Int)
    }

    private(set) var plan: FaultPlan
    let seed: UInt64
    let deduplicates: Bool
    private var draw: Draw
    private var transfers: [String: Transfer] = [:]
    private var ledger: [Credit] = []
    /// Each batch received: its rail and transfers, for inquiries about the whole batch.
    private var batches: [String: (rail: Rail, transfers: [String])] = [:]
    private var reports = 0
    /// The debtor accounts' entries, for their statements.
    private var accounts: DebtorLedger
    /// How many days the simulator's calendar runs ahead of today (tests move it instead of waiting).
    private var daysAhead = 0

    init(plan: FaultPlan, seed: UInt64, deduplicates: Bool, openingVND: Int64 = 10_000_000_000_000) {
        self.accounts = DebtorLedger(openingVND: openingVND)
        self.plan = plan
        self.seed = seed
        self.deduplicates = deduplicates
        self.draw = Draw(state: seed)
        // Room for a province's month from the start: grown step by step, the table was rehashed
        // and moved whole at each doubling (a sixth of the simulator's time at 500,000 transfers).
        // Untouched room costs address space, not memory.
        transfers.reserveCapacity(1 << 20)
    }

    func setPlan(_ plan: FaultPlan) { self.plan = plan }

    /// Draws the fault of one request.
    func requestFault() -> RequestFault {
        let roll = Double(draw.next() >> 11) / Double(1 << 53)
        var bound = plan.serverErrors
        if roll < bound { return .serverError }
        bound += plan.timeouts
        if roll < bound { return .timeout(.milliseconds(plan.timeoutMilliseconds)) }
        bound += plan.lostResponses
        if roll < bound { return .lostResponse }
        bound += plan.slow
        if roll < bound { return .slow(.milliseconds(plan.slowMilliseconds)) }
        bound += plan.badAnswers
        if roll < bound { return .badAnswer(Int(draw.next() % 3)) }
        return .none
    }

    /// Receives a batch: records each transfer and decides its outcome; returns each one's status.
    /// A file asking for batch booking has what it credits now debited as one entry.
    func receive(_ incoming: [TransferInstruction], rail: Rail, batchID: String, debtor: DebtorAccount? = nil,
                 batchBooking: Bool = false) -> [(String, Status)] {
        let now = ContinuousClock.now
        let wallClock = ISOTime.vietnam(Date())
        batches[batchID] = (rail, incoming.map(\.endToEndID))
        let debited = accounts.debits
        // Batch booking: what the file credits now, debited as one entry once it is received.
        var booked: [DebtorLedger.BookedCredit]? = batchBooking ? [] : nil
        defer {
            if let debtor, !debtor.account.isEmpty {
                if let booked, !booked.isEmpty { accounts.debit(debtor.account, institution: debtor.bank, batch: batchID, booked, on: today()) }
                accounts.charge(debtor.account, institution: debtor.bank, amountVND: plan.chargeVND * Int64(accounts.debits - debited), on: today())
            }
        }
        return incoming.map { instruction in
            let id = instruction.endToEndID
            if var known = transfers[id] {
                if deduplicates, !known.status.isRejected {
                    settle(id, &known, now: now, at: wallClock)
                    transfers[id] = known
                    return (id, known.status)
                }
                known.arrivals += 1
                known.batchID = batchID
                known.status = decide(id, arrival: known.arrivals, now: now)
                if known.status == .paid { credit(id, known, at: wallClock, booking: &booked) }
                transfers[id] = known
                return (id, known.status)
            }
            var transfer = Transfer(rail: rail, batchID: batchID, institution: instruction.institution, account: instruction.account,
                                    amount: instruction.amount.dong, status: .paid, arrivals: 1, debtor: debtor)
            transfer.status = decide(id, arrival: 1, now: now)
            if transfer.status == .paid { credit(id, transfer, at: wallClock, booking: &booked) }
            transfers[id] = transfer
            return (id, transfer.status)
        }
    }

    /// What became of one transfer, or nil when it never arrived.
    func inquire(_ endToEndID: String, rail: Rail) -> (status: Status, batchID: String, amount: Int64)? {
        inquire(endToEndID, rail: rail, now: .now, at: ISOTime.vietnam(Date()))
    }

    /// What became of each transfer of a batch, or nil when the batch never arrived.
    func inquire(batch batchID: String, rail: Rail) -> [(String, Status, Int64)]? {
        guard let batch = batches[batchID], batch.rail == rail else { return nil }
        // One clock reading for the whole batch (formatting the time per transfer was a tenth of
        // the simulator's work on batch inquiries).
        let now = ContinuousClock.now
        let wallClock = ISOTime.vietnam(Date())
        return batch.transfers.compactMap { id in inquire(id, rail: rail, now: now, at: wallClock).map { (id, $0.status, $0.amount) } }
    }

    private func inquire(_ endToEndID: String, rail: Rail, now: ContinuousClock.Instant,
                         at wallClock: String) -> (status: Status, batchID: String, amount: Int64)? {
        guard var transfer = transfers[endToEndID], transfer.rail == rail else { return nil }
        settle(endToEndID, &transfer, now: now, at: wallClock)
        transfers[endToEndID] = transfer
        return (transfer.status, transfer.batchID, transfer.amount)
    }

    /// Every credit, pending transfers that are due settled first.
    func credits() -> [Credit] {
        let now = ContinuousClock.now
        let wallClock = ISOTime.vietnam(Date())
        for (id, transfer) in transfers {
            if case .pending(let until) = transfer.status, until <= now {
                var settled = transfer
                settle(id, &settled, now: now, at: wallClock)
                transfers[id] = settled
            }
        }
        return ledger
    }

    func nextReportID() -> String {
        reports += 1
        return "SIM\(reports)"
    }

    private func decide(_ id: String, arrival: Int, now: ContinuousClock.Instant) -> Status {
        switch plan.fate(endToEndID: id, seed: seed, arrival: arrival) {
        case .paid: .paid
        case .pending: .pending(until: now + .milliseconds(plan.pendingMilliseconds))
        case .rejected(let code): .rejected(code)
        }
    }

    private func settle(_ id: String, _ transfer: inout Transfer, now: ContinuousClock.Instant, at wallClock: String) {
        if case .pending(let until) = transfer.status, until <= now {
            transfer.status = .paid
            credit(id, transfer, at: wallClock)
        }
    }

    /// Credits the transfer; its debtor's account is debited at once, or, for a batch-booked file
    /// (`booking`), with the file's other credits.
    private func credit(_ id: String, _ transfer: Transfer, at wallClock: String) {
        var alone: [DebtorLedger.BookedCredit]?
        credit(id, transfer, at: wallClock, booking: &alone)
    }

    private func credit(_ id: String, _ transfer: Transfer, at wallClock: String, booking: inout [DebtorLedger.BookedCredit]?) {
        ledger.append(Credit(endToEndID: id, rail: transfer.rail.rawValue, institution: transfer.institution, account: transfer.account,
                             amountVND: transfer.amount, creditedAt: wallClock))
        if booking != nil {
            booking?.append((id, transfer.amount, plan.returned(endToEndID: id, seed: seed)))
        } else if let debtor = transfer.debtor, !debtor.account.isEmpty {
            accounts.debit(debtor.account, institution: debtor.bank, endToEndID: id, amountVND: transfer.amount, on: today(),
                           returned: plan.returned(endToEndID: id, seed: seed))
        }
    }

    /// The simulator's day: Vietnam's today, moved ahead by `moveCalendar`.
    func today() -> Day {
        let day = VietnamTime.today(Date())
        return Day(daysSince2000: day.daysSince2000 + daysAhead)
    }

    /// Moves the simulator's calendar `days` ahead of today (returns fall due, days end).
    func moveCalendar(to days: Int) { daysAhead = max(0, days) }

    /// A recall of a debit (`POST /bank/recalls`): the bank's resolution (camt.029).
    func recall(_ request: RecallRequest) -> Camt029.Resolution {
        let refusal = accounts.recall(request.account, entry: request.entry, endToEndID: request.endToEndID, on: today())
        return Camt029.Resolution(caseID: "RCL-\(request.entry)".prefix(35).description, bank: accounts.institution(of: request.account) ?? "",
                                  customer: "****" + request.account.suffix(4), createdAt: ISOTime.vietnam(Date()), endToEndID: request.endToEndID,
                                  rejection: refusal)
    }

    /// The debtor account's entries of a day so far (today's, or a day before), as an intraday
    /// notification; nil for a day to come or without entries.
    func notification(_ account: String, on day: Day) -> BankStatement? {
        guard day <= today() else { return nil }
        return accounts.notification(account, on: day, createdAt: ISOTime.vietnam(Date()))
    }

    /// The debtor account's statement of a day that has ended (before the simulator's today), or nil.
    func statement(_ account: String, on day: Day) -> BankStatement? {
        guard day < today() else { return nil }
        return accounts.statement(account, on: day, createdAt: "\(day)T23:59:59")
    }
}

extension Gateway.Status {
    /// A rejected transfer may be sent again and is processed anew, even by a careful gateway.
    var isRejected: Bool {
        if case .rejected = self { return true }
        return false
    }
}
