import ChitraCore
import PostgresNIO

/// Reads what a `compute` step needs for one shard in two statements: the members, their versions
/// and what other runs wrote for them in one (five range scans under one snapshot), then the
/// copies an import kept of members it changed after the plan (read last, so an import committing
/// in between is always seen through its copies).
struct RunShardReader {
    /// A member or a row of what other runs paid that the run cannot read: the shard stops naming
    /// the beneficiary (a member skipped in silence would be a person left unpaid).
    struct Unreadable: Error, CustomStringConvertible {
        var beneficiaryID: String
        var what: String
        var description: String { "beneficiary \(beneficiaryID): \(what); the shard stops rather than leave them out" }
    }

    struct Member {
        var id: String
        var facts: BeneficiaryFacts
        var versions: [RegisterVersion]
        var method: PaymentMethod
    }

    let shard: RunShard
    let run: RunSQL.JobRun

    /// The members in id order, and what other runs paid them (see `history(disbursements:lines:)`).
    func read(on connection: PostgresConnection) async throws -> (members: [Member], history: (paid: [String: PaymentHistory], ownPeriodLines: Bool)) {
        var texts = ("", "", "", "")
        for try await row in try await connection.send(RunShardReads(shard, unit: run.district, period: run.period,
                                                                     registerImportID: run.registerImportID), logger: Database.quiet) {
            texts = row
        }
        var members = try members(texts.0)
        let index = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.id, $0) })
        try readVersions(texts.1, into: &members, index: index)
        try await readCopies(into: &members, index: index, on: connection)
        return (members, try history(disbursements: texts.2, lines: texts.3))
    }

    private func members(_ text: String) throws -> [Member] {
        var members: [Member] = []
        try TabText.forEach(text, fieldCount: 8) { row in
            let id = row.string(0)
            guard let from = row.int(1) else { throw Unreadable(beneficiaryID: id, what: "eligible_from '\(row.string(1))' is not a month") }
            guard let method = PaymentMethod(rawValue: row.string(5)) else {
                throw Unreadable(beneficiaryID: id, what: "payment method '\(row.string(5))' is not one Chitra knows")
            }
            guard let program = Program(rawValue: row.string(6)) else {
                throw Unreadable(beneficiaryID: id, what: "program '\(row.string(6))' is not one Chitra knows")
            }
            let eligibleFrom = Period(daysSince2000: from)
            let facts = BeneficiaryFacts(eligibleFrom: eligibleFrom, eligibleUntil: row.int(2).map(Period.init(daysSince2000:)),
                                         deceasedOn: row.int(3).map(Day.init(daysSince2000:)),
                                         paidThrough: row.int(4).map(Period.init(daysSince2000:)))
            // Version 1 is the row itself until the first change writes versions out.
            let first = RegisterVersion(sequence: 1, validFrom: eligibleFrom, program: program, category: row.string(7))
            members.append(Member(id: id, facts: facts, versions: [first], method: method))
        }
        return members
    }

    private func readVersions(_ text: String, into members: inout [Member], index: [String: Int]) throws {
        var written: Set<String> = []
        try TabText.forEach(text, fieldCount: 5) { row in
            let id = row.string(0)
            guard let position = index[id] else { return }      // not a member of this run
            guard let number = row.int(1), let from = row.int(2) else {
                throw Unreadable(beneficiaryID: id, what: "a version of the register has no number or month")
            }
            guard let program = Program(rawValue: row.string(3)) else {
                throw Unreadable(beneficiaryID: id, what: "a version's program '\(row.string(3))' is not one Chitra knows")
            }
            // Written-out versions replace the implicit version 1 (they include it).
            if written.insert(id).inserted { members[position].versions = [] }
            members[position].versions.append(RegisterVersion(sequence: number, validFrom: Period(daysSince2000: from),
                                                               program: program, category: row.string(4)))
        }
    }

    /// Copies replace the register's rows (one per beneficiary); a copy of someone not entitled
    /// at the plan takes its row out.
    private func readCopies(into members: inout [Member], index: [String: Int], on connection: PostgresConnection) async throws {
        let rows = try await connection.send(RunShardSQL.copies(shard), logger: Database.quiet)
        var reordered = false
        var dropped: Set<String> = []
        for try await (id, from, until, deceased, paidThrough, method, numbers, froms, programs, categories) in rows.decode(
            (String, Int32, Int32?, Int32?, Int32?, String, [Int32], [Int32], [String], [String]).self) {
            guard let method = PaymentMethod(rawValue: method) else {
                throw Unreadable(beneficiaryID: id, what: "payment method '\(method)' is not one Chitra knows")
            }
            let facts = BeneficiaryFacts(eligibleFrom: Period(daysSince2000: Int(from)),
                                         eligibleUntil: until.map { Period(daysSince2000: Int($0)) },
                                         deceasedOn: deceased.map { Day(daysSince2000: Int($0)) },
                                         paidThrough: paidThrough.map { Period(daysSince2000: Int($0)) })
            var versions: [RegisterVersion] = []
            for position in numbers.indices {
                guard let program = Program(rawValue: programs[position]) else {
                    throw Unreadable(beneficiaryID: id, what: "a version's program '\(programs[position])' is not one Chitra knows")
                }
                versions.append(RegisterVersion(sequence: Int(numbers[position]), validFrom: Period(daysSince2000: Int(froms[position])),
                                                program: program, category: categories[position]))
            }
            let member = Member(id: id, facts: facts, versions: versions, method: method)
            // As the plan saw it: a member, or not (entitled only later; an import moved it earlier).
            let wasMember = member.facts.eligibleFrom <= run.period
            if let position = index[id] {
                if wasMember { members[position] = member } else { dropped.insert(id) }
            } else if wasMember {
                members.append(member)
                reordered = true
            }
        }
        if !dropped.isEmpty { members.removeAll { dropped.contains($0.id) } }
        if reordered { members.sort { $0.id < $1.id } }
    }

    /// What other runs paid each member, by month (lines of returned disbursements count as
    /// unpaid), whether a funeral allowance was paid, and the recovery still pending: that of the
    /// latest earlier period whose disbursement was not returned. A returned disbursement never
    /// went out, so neither did the recovery netted in it: its lines count as unpaid (the months
    /// come back as arrears, the overpaid ones as recoveries) and the recovery pending before it
    /// is pending still.
    ///
    /// `ownPeriodLines`: a line of the run's own period is already there (a bug or a hand edit:
    /// a shard is computed once); the writer then takes the slow way.
    private func history(disbursements: String, lines: String) throws -> (paid: [String: PaymentHistory], ownPeriodLines: Bool) {
        var returned: Set<String> = []
        var pending: [String: Int] = [:]
        try TabText.forEach(disbursements, fieldCount: 4) { row in
            let id = row.string(0)
            guard let period = row.int(1), let recovery = row.int(3) else {
                throw Unreadable(beneficiaryID: id, what: "a disbursement of another period has no period or pending recovery")
            }
            guard let state = DisbursementState(rawValue: row.string(2)) else {
                throw Unreadable(beneficiaryID: id, what: "a disbursement of another period is in an unknown state '\(row.string(2))'")
            }
            if state == .returned {
                returned.insert("\(id)|\(period)")
            } else {
                pending[id] = recovery          // by period: the latest not returned wins
            }
        }
        var history: [String: PaymentHistory] = [:]
        var ownPeriodLines = false
        let ownPeriod = Day(period: run.period, day: 1).daysSince2000
        try TabText.forEach(lines, fieldCount: 5) { row in
            let id = row.string(0)
            guard let runPeriod = row.int(1), let month = row.int(2), let amount = row.int(4) else {
                throw Unreadable(beneficiaryID: id, what: "a line of another run has no run period, month or amount")
            }
            if runPeriod == ownPeriod {
                ownPeriodLines = true
                return
            }
            if !returned.isEmpty, returned.contains("\(id)|\(runPeriod)") { return }
            if row.equals(3, "funeral") {
                history[id, default: PaymentHistory()].funeralPaid = true
            } else {
                history[id, default: PaymentHistory()].paid[Period(daysSince2000: month), default: .zero] += Money(dong: Int64(amount))
            }
        }
        for (id, amount) in pending where amount > 0 {
            history[id, default: PaymentHistory()].pendingRecovery = Money(dong: Int64(amount))
        }
        return (history, ownPeriodLines)
    }
}
