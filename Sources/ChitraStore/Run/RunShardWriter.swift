import ChitraCore
import PostgresNIO

/// What one shard computed, and how it is written: lines and disbursements in one `unnest` insert
/// each (lines implied by their disbursement are not written: `all_entitlement_lines`), then the
/// shard's control totals. An insert that meets a row already there (which only a
/// bug or a hand edit leaves behind: a shard is computed once) rolls back to its savepoint; the
/// missing rows are inserted, and every row the shard computed is then compared with the row the table holds. A row
/// that differs (another amount, method or run, or an EndToEndId held by someone else) stops the
/// shard with a sentence naming the beneficiary and both values: identical rows alone are skipped.
struct RunShardWriter {
    struct Line {
        var beneficiaryID: String
        var month: Period
        var kind: LineKind
        var amount: Int64
        /// Implied by the beneficiary's disbursement (`Entitlement.isOneRegularLine(of:)`): no row of its own.
        var implied: Bool
    }

    struct Disbursement {
        var beneficiaryID: String
        var program: Program
        var amount: Int64
        var pendingRecovery: Int64
        var method: PaymentMethod
        var linesImplied: Bool
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

    /// Writes everything; returns the totals of what was written. `rowsMayBeThere`: the reads
    /// found a line of this run's period already written for a member (a line implied by a
    /// disbursement collides with nothing on insert, so the reads say so instead).
    func write(rowsMayBeThere: Bool = false, on connection: PostgresConnection) async throws -> (lines: Int, disbursements: Int, totals: Totals) {
        if rowsMayBeThere {
            try await writeSkippingExisting(on: connection)
        } else {
            try await connection.execute("SAVEPOINT shard_rows", logger: Database.quiet)
            do {
                try await insertLines(lineColumns, skippingExisting: false, on: connection)
                try await insertDisbursements(disbursementColumns(implying: true), skippingExisting: false, on: connection)
                try await connection.execute("RELEASE SAVEPOINT shard_rows", logger: Database.quiet)
            } catch let error as PSQLError where error.sqlState == SQLState.uniqueViolation {
                try await connection.execute("ROLLBACK TO SAVEPOINT shard_rows", logger: Database.quiet)
                try await writeSkippingExisting(on: connection)
            }
        }
        // Every row the shard computed is now in the tables, as computed.
        var totals = Totals()
        for disbursement in disbursements {
            totals.add(program: disbursement.program.rawValue, rail: disbursement.rail.rawValue, amount: disbursement.amount)
        }
        try await insertTotals(totals, on: connection)
        return (lines.count, disbursements.count, totals)
    }

    /// The slow way, when rows are already there: the missing disbursements, then every line the
    /// tables neither hold nor imply (each written as a row: what is there already decides nothing),
    /// then every row computed compared with the one the tables hold.
    private func writeSkippingExisting(on connection: PostgresConnection) async throws {
        let disbursementColumns = disbursementColumns(implying: false), allLineColumns = allLineColumns
        try await insertDisbursements(disbursementColumns, skippingExisting: true, on: connection)
        try await insertLines(allLineColumns, skippingExisting: true, on: connection)
        try await compare(allLineColumns, disbursementColumns, on: connection)
    }

    /// The lines as the statements bind them: one array a column.
    private struct LineColumns {
        var ids: [String] = [], months: [String] = [], kinds: [String] = [], amounts: [Int64] = []
    }

    private struct DisbursementColumns {
        var ids: [String] = [], programs: [String] = [], amounts: [Int64] = [], pending: [Int64] = []
        var methods: [String] = [], rails: [String] = [], endToEndIDs: [String] = [], linesImplied: [Bool] = []
    }

    /// The lines to write: those their disbursement does not imply.
    private var lineColumns: LineColumns { columns(of: lines.filter { !$0.implied }) }

    /// Every line computed, implied ones included: what the tables must hold.
    private var allLineColumns: LineColumns { columns(of: lines) }

    private func columns(of lines: [Line]) -> LineColumns {
        var columns = LineColumns()
        for line in lines {
            columns.ids.append(line.beneficiaryID)
            columns.months.append(line.month.description)
            columns.kinds.append(line.kind.rawValue)
            columns.amounts.append(line.amount)
        }
        return columns
    }

    /// `implying`: each disbursement implies its line as computed; else none does (every line a row).
    private func disbursementColumns(implying: Bool) -> DisbursementColumns {
        var columns = DisbursementColumns()
        for disbursement in disbursements {
            columns.ids.append(disbursement.beneficiaryID)
            columns.programs.append(disbursement.program.rawValue)
            columns.amounts.append(disbursement.amount)
            columns.pending.append(disbursement.pendingRecovery)
            columns.methods.append(disbursement.method.rawValue)
            columns.rails.append(disbursement.rail.rawValue)
            columns.endToEndIDs.append(EndToEndID.make(district: district, period: period, beneficiaryID: disbursement.beneficiaryID))
            columns.linesImplied.append(implying && disbursement.linesImplied)
        }
        return columns
    }

    private func insertLines(_ columns: LineColumns, skippingExisting: Bool, on connection: PostgresConnection) async throws {
        guard !columns.ids.isEmpty else { return }
        let insert = skippingExisting ? RunShardSQL.insertMissingLines : RunShardSQL.insertLines
        try await connection.execute(insert(runID, district, period, columns.ids, columns.months, columns.kinds, columns.amounts),
                                  logger: Database.quiet)
    }

    private func insertDisbursements(_ columns: DisbursementColumns, skippingExisting: Bool,
                                     on connection: PostgresConnection) async throws {
        guard !disbursements.isEmpty else { return }
        try await connection.execute(RunShardSQL.insertDisbursements(
            runID: runID, district: district, period: period, ids: columns.ids, programs: columns.programs, amounts: columns.amounts,
            pending: columns.pending, methods: columns.methods, rails: columns.rails, endToEndIDs: columns.endToEndIDs,
            linesImplied: columns.linesImplied, skippingExisting: skippingExisting), logger: Database.quiet)
    }

    /// Compares every row the shard computed with the one the table holds (every line, written or
    /// implied, with what `all_entitlement_lines` holds); throws `RunShardConflict` at the first
    /// that differs or is missing.
    private func compare(_ lineColumns: LineColumns, _ columns: DisbursementColumns, on connection: PostgresConnection) async throws {
        if !lines.isEmpty {
            let rows = try await connection.send(RunShardSQL.differingLines(runID: runID, period: period, ids: lineColumns.ids,
                                                                             months: lineColumns.months, kinds: lineColumns.kinds,
                                                                             amounts: lineColumns.amounts), logger: Database.quiet)
            for try await (id, month, kind, computed, recorded, otherRun) in rows.decode((String, String, String, Int64, Int64?, Int64?).self) {
                guard let recorded, let otherRun else {
                    throw RunShardConflict.missingLine(beneficiaryID: id, month: month, kind: kind, computed: computed, runID: runID)
                }
                throw RunShardConflict.line(beneficiaryID: id, month: month, kind: kind, computed: computed, recorded: recorded,
                                            recordedRun: otherRun, runID: runID)
            }
        }
        guard !disbursements.isEmpty else { return }
        let rows = try await connection.send(RunShardSQL.differingDisbursements(
            runID: runID, period: period, ids: columns.ids, programs: columns.programs, amounts: columns.amounts,
            pending: columns.pending, methods: columns.methods, endToEndIDs: columns.endToEndIDs), logger: Database.quiet)
        for try await (id, computed, recorded, otherRun, holder) in rows.decode((String, Int64, Int64?, Int64?, String?).self) {
            throw RunShardConflict.disbursement(beneficiaryID: id, period: period.description, computed: computed, recorded: recorded,
                                                recordedRun: otherRun, endToEndHolder: holder, runID: runID)
        }
    }

    private func insertTotals(_ totals: Totals, on connection: PostgresConnection) async throws {
        guard !totals.byKey.isEmpty else { return }
        let keys = totals.byKey.keys.sorted()
        try await connection.execute(RunShardSQL.insertTotals(runID: runID, shard: shard, district: district, programs: keys.map(\.program),
                                                            rails: keys.map(\.rail), counts: keys.map { totals.byKey[$0]!.count },
                                                            amounts: keys.map { totals.byKey[$0]!.amount }), logger: Database.quiet)
    }
}
