import ChitraCore
import PostgresNIO

/// What one shard computed, and how it is written: lines and disbursements by COPY, then the
/// shard's control totals added to the run's. A COPY that meets a row already there (a line or a
/// disbursement written before, which only a bug or a hand edit leaves behind) rolls back to its
/// savepoint and the rows go the slow way, `INSERT … ON CONFLICT DO NOTHING`, so that nothing is
/// ever written twice and the totals count only what was written.
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
        var rail: String { method.isCash ? "cash" : method.rawValue }
    }

    /// Count and sum by (program, rail).
    struct Totals {
        struct Key: Hashable, Comparable {
            var program: String
            var rail: String
            static func < (lhs: Key, rhs: Key) -> Bool { (lhs.program, lhs.rail) < (rhs.program, rhs.rail) }
        }

        var byKey: [Key: (count: Int64, amount: Int64)] = [:]

        mutating func add(program: String, rail: String, amount: Int64) {
            byKey[Key(program: program, rail: rail), default: (0, 0)].count += 1
            byKey[Key(program: program, rail: rail), default: (0, 0)].amount += amount
        }
    }

    let runID: Int64
    let district: String
    let period: Period
    var lines: [Line] = []
    var disbursements: [Disbursement] = []

    /// Writes everything; returns the totals of what was written.
    func write(on connection: PostgresConnection) async throws -> (lines: Int, disbursements: Int, totals: Totals) {
        try await connection.query("SAVEPOINT shard_copy", logger: Database.quiet)
        var result: (lines: Int, disbursements: Int, totals: Totals)
        do {
            try await copyLines(on: connection)
            try await copyDisbursements(on: connection)
            var totals = Totals()
            for disbursement in disbursements {
                totals.add(program: disbursement.program.rawValue, rail: disbursement.rail, amount: disbursement.amount)
            }
            result = (lines.count, disbursements.count, totals)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            try await connection.query("ROLLBACK TO SAVEPOINT shard_copy", logger: Database.quiet)
            result = try await insertMissing(on: connection)
        }
        try await connection.query("RELEASE SAVEPOINT shard_copy", logger: Database.quiet)
        try await addTotals(result.totals, on: connection)
        return result
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
            bytes.append(contentsOf: "\(disbursement.method.rawValue)\t\(disbursement.rail)\t".utf8)
            CopyFormat.append(EndToEndID.make(district: district, period: period, beneficiaryID: disbursement.beneficiaryID), to: &bytes)
            bytes.append(10)
        }
    }

    private func insertMissing(on connection: PostgresConnection) async throws -> (lines: Int, disbursements: Int, totals: Totals) {
        var inserted = 0
        if !lines.isEmpty {
            let rows = try await connection.query(RunShardSQL.insertLines(
                runID: runID, district: district, period: period, ids: lines.map(\.beneficiaryID), months: lines.map(\.month.description),
                kinds: lines.map(\.kind.rawValue), amounts: lines.map(\.amount)), logger: Database.quiet)
            inserted = try await rows.collect().count
        }
        var totals = Totals()
        var written = 0
        if !disbursements.isEmpty {
            let rows = try await connection.query(RunShardSQL.insertDisbursements(
                runID: runID, district: district, period: period, ids: disbursements.map(\.beneficiaryID),
                programs: disbursements.map(\.program.rawValue), amounts: disbursements.map(\.amount),
                pending: disbursements.map(\.pendingRecovery), methods: disbursements.map(\.method.rawValue),
                rails: disbursements.map(\.rail),
                endToEndIDs: disbursements.map { EndToEndID.make(district: district, period: period, beneficiaryID: $0.beneficiaryID) }),
                logger: Database.quiet)
            for try await (program, rail, amount) in rows.decode((String, String, Int64).self) {
                totals.add(program: program, rail: rail, amount: amount)
                written += 1
            }
        }
        return (inserted, written, totals)
    }

    private func addTotals(_ totals: Totals, on connection: PostgresConnection) async throws {
        guard !totals.byKey.isEmpty else { return }
        // Sorted: every shard locks the run's totals rows in the same order.
        let keys = totals.byKey.keys.sorted()
        try await connection.query(RunShardSQL.addTotals(runID: runID, district: district, programs: keys.map(\.program),
                                                         rails: keys.map(\.rail), counts: keys.map { totals.byKey[$0]!.count },
                                                         amounts: keys.map { totals.byKey[$0]!.amount }), logger: Database.quiet)
    }
}
