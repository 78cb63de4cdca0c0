import ChitraCore
import PostgresNIO

/// What one shard computed, and how it is written: lines and disbursements by COPY, then the
/// shard's control totals. A COPY that meets a row already there (which only a bug or a hand edit
/// leaves behind: a shard is computed once) rolls back to its savepoint; the missing rows are
/// inserted, and every row the shard computed is then compared with the row the table holds. A row
/// that differs (another amount, method or run, or an EndToEndId held by someone else) stops the
/// shard with a sentence naming the beneficiary and both values: identical rows alone are skipped.
struct RunShardWriter {
    struct Line {
        var beneficiaryID: String
        var month: Period
        var kind: LineKind
        var amount: Int64
    }

    struct Disbursement {
        var beneficiaryID: String
        var program: Program
        var amount: Int64
        var pendingRecovery: Int64
        var method: PaymentMethod
        var rail: Rail { Rail(method: method) }
    }

    /// Count and sum by (program, rail).
    struct Totals {
        struct Key: Hashable, Comparable {
            var program: String
            var rail: String
            static func < (lhs: Key, rhs: Key) -> Bool { (lhs.program, lhs.rail) < (rhs.program, rhs.rail) }
        }

        var byKey: [Key: (count: Int64, amount: Int64)] = [:]

        var amount: Int64 { byKey.values.reduce(0) { $0 + $1.amount } }

        mutating func add(program: String, rail: String, amount: Int64) {
            byKey[Key(program: program, rail: rail), default: (0, 0)].count += 1
            byKey[Key(program: program, rail: rail), default: (0, 0)].amount += amount
        }
    }

    let runID: Int64
    let shard: Int32
    let district: String
    let period: Period
    var lines: [Line] = []
    var disbursements: [Disbursement] = []

    /// Writes everything; returns the totals of what was written.
    func write(on connection: PostgresConnection) async throws -> (lines: Int, disbursements: Int, totals: Totals) {
        try await connection.send("SAVEPOINT shard_copy", logger: Database.quiet)
        do {
            try await copyLines(on: connection)
            try await copyDisbursements(on: connection)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            try await connection.send("ROLLBACK TO SAVEPOINT shard_copy", logger: Database.quiet)
            try await insertMissingAndCompare(on: connection)
        }
        try await connection.send("RELEASE SAVEPOINT shard_copy", logger: Database.quiet)
        // Every row the shard computed is now in the tables, as computed.
        var totals = Totals()
        for disbursement in disbursements {
            totals.add(program: disbursement.program.rawValue, rail: disbursement.rail.rawValue, amount: disbursement.amount)
        }
        try await insertTotals(totals, on: connection)
        return (lines.count, disbursements.count, totals)
    }

    private var periodText: String { "\(period)-01" }

    private func copyLines(on connection: PostgresConnection) async throws {
        guard !lines.isEmpty else { return }
        let tail = Array("\t\(district)\t\(runID)\n".utf8)
        let runPeriod = Array("\t\(periodText)\t".utf8)
        try await CopyRows.copy(lines, into: "entitlement_lines", columns: RunShardSQL.lineColumns, on: connection) { line, bytes in
            CopyFormat.append(line.beneficiaryID, to: &bytes)
            bytes.append(contentsOf: runPeriod)
            CopyFormat.appendFirstDay(of: line.month, to: &bytes)
            bytes.append(9)
            bytes.append(contentsOf: line.kind.rawValue.utf8)
            bytes.append(9)
            CopyFormat.append(line.amount, to: &bytes)
            bytes.append(contentsOf: tail)
        }
    }

    private func copyDisbursements(on connection: PostgresConnection) async throws {
        guard !disbursements.isEmpty else { return }
        let head = Array("\t\(periodText)\t\(district)\t\(runID)\t".utf8)
        try await CopyRows.copy(disbursements, into: "disbursements", columns: RunShardSQL.disbursementColumns,
                                on: connection) { disbursement, bytes in
            CopyFormat.append(disbursement.beneficiaryID, to: &bytes)
            bytes.append(contentsOf: head)
            bytes.append(contentsOf: disbursement.program.rawValue.utf8)
            bytes.append(9)
            CopyFormat.append(disbursement.amount, to: &bytes)
            bytes.append(9)
            CopyFormat.append(disbursement.pendingRecovery, to: &bytes)
            bytes.append(9)
            bytes.append(contentsOf: "\(disbursement.method.rawValue)\t\(disbursement.rail.rawValue)\t".utf8)
            CopyFormat.append(EndToEndID.make(district: district, period: period, beneficiaryID: disbursement.beneficiaryID), to: &bytes)
            bytes.append(10)
        }
    }

    private var endToEndIDs: [String] {
        disbursements.map { EndToEndID.make(district: district, period: period, beneficiaryID: $0.beneficiaryID) }
    }

    /// Inserts the rows that are missing, then compares every row the shard computed with the one
    /// the table holds; throws `RunShardConflict` at the first that differs.
    private func insertMissingAndCompare(on connection: PostgresConnection) async throws {
        let lineColumns = (ids: lines.map(\.beneficiaryID), months: lines.map(\.month.description), kinds: lines.map(\.kind.rawValue),
                           amounts: lines.map(\.amount))
        if !lines.isEmpty {
            try await connection.send(RunShardSQL.insertLines(runID: runID, district: district, period: period, ids: lineColumns.ids,
                                                               months: lineColumns.months, kinds: lineColumns.kinds,
                                                               amounts: lineColumns.amounts), logger: Database.quiet)
            let rows = try await connection.send(RunShardSQL.differingLines(runID: runID, period: period, ids: lineColumns.ids,
                                                                             months: lineColumns.months, kinds: lineColumns.kinds,
                                                                             amounts: lineColumns.amounts), logger: Database.quiet)
            for try await (id, month, kind, computed, recorded, otherRun) in rows.decode((String, String, String, Int64, Int64, Int64).self) {
                throw RunShardConflict.line(beneficiaryID: id, month: month, kind: kind, computed: computed, recorded: recorded,
                                            recordedRun: otherRun, runID: runID)
            }
        }
        guard !disbursements.isEmpty else { return }
        let ids = disbursements.map(\.beneficiaryID), e2e = endToEndIDs
        let amounts = disbursements.map(\.amount), pending = disbursements.map(\.pendingRecovery)
        let methods = disbursements.map(\.method.rawValue), programs = disbursements.map(\.program.rawValue)
        try await connection.send(RunShardSQL.insertDisbursements(
            runID: runID, district: district, period: period, ids: ids, programs: programs, amounts: amounts, pending: pending,
            methods: methods, rails: disbursements.map(\.rail.rawValue), endToEndIDs: e2e), logger: Database.quiet)
        let rows = try await connection.send(RunShardSQL.differingDisbursements(
            runID: runID, period: period, ids: ids, programs: programs, amounts: amounts, pending: pending, methods: methods,
            endToEndIDs: e2e), logger: Database.quiet)
        for try await (id, computed, recorded, otherRun, holder) in rows.decode((String, Int64, Int64?, Int64?, String?).self) {
            throw RunShardConflict.disbursement(beneficiaryID: id, period: period.description, computed: computed, recorded: recorded,
                                                recordedRun: otherRun, endToEndHolder: holder, runID: runID)
        }
    }

    private func insertTotals(_ totals: Totals, on connection: PostgresConnection) async throws {
        guard !totals.byKey.isEmpty else { return }
        let keys = totals.byKey.keys.sorted()
        try await connection.send(RunShardSQL.insertTotals(runID: runID, shard: shard, district: district, programs: keys.map(\.program),
                                                            rails: keys.map(\.rail), counts: keys.map { totals.byKey[$0]!.count },
                                                            amounts: keys.map { totals.byKey[$0]!.amount }), logger: Database.quiet)
    }
}
