import ChitraCore
import Foundation
import NIOPosix
import PostgresNIO

/// `chitra cash confirm FILE`: the post office's confirmations close cash disbursements,
/// all or nothing. Every row must name a disbursement on a cash list (`cash_instructed`) with its
/// beneficiary and amount; `paid` makes it `paid_cash`, `not_found` `returned` (its months are owed
/// again next run). The same file again changes nothing. A run whose disbursements all have their
/// outcome is paid out in the same transaction (`RunSettlement.completeIfSettled`).
public enum CashConfirmation {
    public struct Outcome: Sendable, Hashable, CustomStringConvertible {
        public var paid: Int
        public var returned: Int
        public var paidOutRuns: [Int64] = []
        public var completedRuns: [Int64]
        /// Who confirmed this same file before, and on which day: nothing changed now.
        public var previous: Previous?
        /// "NAME on YYYY-MM-DD", as the CLI says it.
        public var alreadyConfirmedBy: String? { previous.map { "\($0.by) on \($0.day)" } }

        public struct Previous: Sendable, Hashable {
            public var by: String
            public var day: Day
        }

        public var description: String {
            if let by = alreadyConfirmedBy { return "This file was already confirmed (by \(by)); nothing changed." }
            return "Confirmed \(paid + returned) cash payments: \(paid) paid, \(returned) returned (not found)."
                + RunSettlement.Finished(paidOut: paidOutRuns, completed: completedRuns).sentence
        }
    }

    /// Rows looked up per statement: few enough that the EndToEndId's index finds them.
    public static let rowsPerStatement = 5_000

    public static func confirm(path: String, by identity: Identity, database: Database,
                               rowsPerStatement: Int = rowsPerStatement) async throws -> Outcome {
        let file = RegisterFile(path: path, label: "confirmation file")
        let (bytes, digest) = try await NIOThreadPool.singleton.runIfActive { try file.contents() }
        return try await confirm(contents: bytes, sha256: digest.sha256, fileName: URL(fileURLWithPath: path).lastPathComponent,
                                 by: identity, database: database, rowsPerStatement: rowsPerStatement)
    }

    /// A file already in memory (the console's upload), under the name it came with.
    public static func confirm(contents: [UInt8], fileName: String, by identity: Identity, database: Database) async throws -> Outcome {
        try await confirm(contents: contents, sha256: RegisterFile.sha256(of: contents), fileName: fileName, by: identity, database: database,
                                 rowsPerStatement: rowsPerStatement)
    }

    private static func confirm(contents bytes: [UInt8], sha256: String, fileName: String, by identity: Identity, database: Database,
                                rowsPerStatement: Int) async throws -> Outcome {
        let person = identity.name
        let parsed = CashConfirmationFile(data: Data(bytes))
        guard parsed.problems.isEmpty else { throw ImportFailure(problems: parsed.problems, total: parsed.problems.count) }
        guard !parsed.rows.isEmpty else {
            throw ImportFailure(ImportProblem(line: 2, "the file has a header but no rows.", vietnamese: "tệp có tiêu đề nhưng không có dòng nào."))
        }
        let (paidState, _) = try DisbursementStateMachine(state: .cashInstructed, attempts: 0, rail: .cash).handle(.cashConfirmed)
        let (returnedState, _) = try DisbursementStateMachine(state: .cashInstructed, attempts: 0, rail: .cash).handle(.cashReturned)
        let rows = parsed.rows
        // In chunks: a district's list is tens of thousands of rows, and looked up all at once the
        // planner scanned every disbursement of every district (in parallel workers, each
        // parsing the plan with its arrays) for each statement.
        let size = max(rowsPerStatement, 1)
        let chunks = stride(from: 0, to: rows.count, by: size).map { CashConfirmationSQL.Columns(rows[$0..<min($0 + size, rows.count)]) }
        do {
            return try await database.transaction("confirm the cash payments of \(fileName)") { connection in
                for try await (by, day) in try await connection.send(CashConfirmationSQL.previous(sha256: sha256), logger: Database.quiet)
                    .decode((String, Int32).self) {
                    return Outcome(paid: 0, returned: 0, completedRuns: [], previous: .init(by: by, day: Day(daysSince2000: Int(day))))
                }
                // Each row closes its disbursement only if it matches it (EndToEndId, beneficiary,
                // amount, on a cash list); a chunk that closes fewer than its rows rolls everything
                // back, and the rows are then checked one by one for the sentences. A good file —
                // nearly every file — is read once, not checked and then applied.
                var closed: [(district: String, run: Int64, paid: Int64, returned: Int64)] = []
                for columns in chunks {
                    var matched: Int64 = 0
                    for try await (district, run, paidCount, returnedCount) in try await connection.send(
                        CashConfirmationSQL.apply(columns, paid: paidState, returned: returnedState, by: person),
                        logger: Database.quiet).decode((String, Int64, Int64, Int64).self) {
                        closed.append((district, run, paidCount, returnedCount))
                        matched += paidCount + returnedCount
                    }
                    guard matched == columns.ids.count else { throw Mismatch() }
                }
                let finished = try await RunSettlement.completeIfSettled(runIDs: Array(Set(closed.map(\.run))).sorted(), on: connection)
                let paid = rows.filter(\.paid).count
                let districts = Array(Set(closed.map(\.district))).sorted()
                try await connection.execute(CashConfirmationSQL.record(sha256: sha256, fileName: fileName, rows: rows.count, paid: paid,
                                                                      returned: rows.count - paid, by: person, districts: districts),
                                           logger: Database.quiet)
                for district in districts {
                    let ofDistrict = closed.filter { $0.district == district }
                    try await AuditLog.append(AuditEntry(by: identity, .confirmCash, district: district, subject: fileName,
                                                         after: ["paid_cash": .number(ofDistrict.reduce(0) { $0 + $1.paid }),
                                                                 "returned": .number(ofDistrict.reduce(0) { $0 + $1.returned }),
                                                                 "sha256": .text(sha256)]), on: connection)
                }
                return Outcome(paid: paid, returned: rows.count - paid, paidOutRuns: finished.paidOut, completedRuns: finished.completed)
            }
        } catch is Mismatch {
            throw try await problems(chunks, fileName: fileName, database: database)
        }
    }

    /// Why a row does not match the disbursement its EndToEndId names (none: `listed` is nil), in
    /// both languages.
    static func mismatch(line: Int, e2e: String, beneficiary: String, listed: String?, amount: Int64, listedAmount: Int64?,
                         state: String?) -> ImportProblem {
        guard let listed, let listedAmount, let state else {
            return ImportProblem(line: line, "no disbursement has the EndToEndId \(e2e).", vietnamese: "không có khoản chi nào mang mã giao dịch \(e2e).")
        }
        if listed != beneficiary {
            return ImportProblem(line: line, "\(e2e) is the disbursement of beneficiary \(listed), not \(beneficiary).",
                                 vietnamese: "\(e2e) là khoản chi của đối tượng \(listed), không phải \(beneficiary).")
        }
        if listedAmount != amount {
            return ImportProblem(line: line, "\(e2e) is of \(listedAmount) đồng, not \(amount).",
                                 vietnamese: "\(e2e) có số tiền \(Money(dong: listedAmount)), không phải \(Money(dong: amount)).")
        }
        return ImportProblem(line: line, "\(e2e) is \(state), not on a cash list (cash_instructed): it cannot be confirmed.",
                             vietnamese: "\(e2e) không nằm trong danh sách chờ chi tiền mặt (trạng thái \(state)): không xác nhận được.")
    }

    /// Some row did not match its disbursement: nothing was changed.
    private struct Mismatch: Error {}

    /// Why the rows that did not match did not, by line.
    private static func problems(_ chunks: [CashConfirmationSQL.Columns], fileName: String, database: Database) async throws -> ImportFailure {
        let problems = try await database.transaction("check the cash payments of \(fileName)") { connection in
            var problems: [ImportProblem] = []
            for columns in chunks where problems.count < ImportFailure.shownLimit {
                for try await (line, e2e, beneficiary, listed, amount, listedAmount, state) in try await connection.send(
                    CashConfirmationSQL.problems(columns), logger: Database.quiet).decode((Int32, String, String, String?, Int64, Int64?, String?).self) {
                    problems.append(mismatch(line: Int(line), e2e: e2e, beneficiary: beneficiary, listed: listed, amount: amount,
                                             listedAmount: listedAmount, state: state))
                }
            }
            return problems
        }
        guard !problems.isEmpty else {
            // Every row matched when checked again: another confirmation changed the same
            // disbursements meanwhile.
            return ImportFailure(ImportProblem(line: 2, "the disbursements changed while the file was confirmed; nothing was changed: confirm it again.",
                                               vietnamese: "các khoản chi đã thay đổi trong lúc ghi nhận tệp; chưa thay đổi gì: xin gửi lại tệp."))
        }
        return ImportFailure(problems: Array(problems.prefix(ImportFailure.shownLimit)), total: problems.count)
    }
}

/// The statements of the post office's confirmations.
enum CashConfirmationSQL {
    /// The rows of a file as parallel arrays (one `unnest`, not a statement per row).
    struct Columns {
        var lines: [Int32], ids: [String], beneficiaries: [String], amounts: [Int64], paid: [Bool], days: [String], receivers: [String]

        init(_ rows: ArraySlice<CashConfirmationFile.Row>) {
            lines = rows.map { Int32($0.line) }
            ids = rows.map(\.endToEndID)
            beneficiaries = rows.map(\.beneficiaryID)
            amounts = rows.map(\.amount)
            paid = rows.map(\.paid)
            days = rows.map(\.paidOn)
            receivers = rows.map(\.receivedBy)
        }
    }

    static func previous(sha256: String) -> PostgresQuery {
        "SELECT confirmed_by, confirmed_at::date - date '2000-01-01' FROM cash_confirmation_files WHERE sha256 = \(sha256)"
    }

    /// The file's rows as a relation, from the seven arrays bound first by `binds`. Statements
    /// joining it to the disbursements also say `end_to_end_id = ANY ($2)`: joined to the unnest
    /// alone, the planner hashed a scan of the whole table.
    static let rows =
        "unnest($1::int4[], $2::text[], $3::text[], $4::int8[], $5::bool[], $6::text[], $7::text[]) AS r(line, e2e, beneficiary, amount, paid, day, receiver)"

    static func binds(_ c: Columns) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(c.lines)
        binds.append(c.ids)
        binds.append(c.beneficiaries)
        binds.append(c.amounts)
        binds.append(c.paid)
        binds.append(c.days)
        binds.append(c.receivers)
        return binds
    }

    /// The rows that do not match their disbursement, by line, with what the disbursement holds
    /// (nothing: no such EndToEndId) for `CashConfirmation.mismatch` to say why.
    static func problems(_ c: Columns) -> PostgresQuery {
        PostgresQuery(unsafeSQL: """
            SELECT r.line, r.e2e, r.beneficiary, d.beneficiary_id, r.amount, d.amount_vnd, \(DisbursementStateSQL.seenState(run: "u.state"))
            FROM \(rows) LEFT JOIN disbursements d ON d.end_to_end_id = r.e2e AND d.end_to_end_id = ANY ($2::text[])
            LEFT JOIN runs u ON u.id = d.run_id
            WHERE d.beneficiary_id IS NULL OR d.beneficiary_id <> r.beneficiary OR d.amount_vnd <> r.amount
               OR NOT \(DisbursementStateSQL.seen(.cashInstructed, runApproved: "u.state = 'approved'"))
            ORDER BY r.line LIMIT \(ImportFailure.shownLimit)
            """, binds: binds(c))
    }

    /// Closes the disbursements the rows name, each only if it is on a cash list (`cash_instructed`
    /// as seen: stored so, or computed cash of an approved run).
    static func apply(_ c: Columns, paid: DisbursementState, returned: DisbursementState, by: String) -> PostgresQuery {
        var binds = binds(c)
        binds.append(paid.rawValue)
        binds.append(returned.rawValue)
        binds.append(by)
        return PostgresQuery(unsafeSQL: """
            WITH closed AS (
                UPDATE disbursements d SET state = CASE WHEN r.paid THEN $8 ELSE $9 END,
                    settled_on = CASE WHEN r.paid THEN r.day::date END, received_by = NULLIF(r.receiver, ''), confirmed_by = $10
                FROM \(rows), runs u WHERE d.end_to_end_id = ANY ($2::text[]) AND d.end_to_end_id = r.e2e AND u.id = d.run_id
                  AND \(DisbursementStateSQL.seen(.cashInstructed, runApproved: "u.state = 'approved'"))
                  AND d.beneficiary_id = r.beneficiary AND d.amount_vnd = r.amount
                RETURNING d.unit_code, d.run_id, d.state
            )
            SELECT unit_code, run_id, count(*) FILTER (WHERE state = $8), count(*) FILTER (WHERE state = $9)
            FROM closed GROUP BY 1, 2 ORDER BY 1, 2
            """, binds: binds)
    }

    /// The file, with the districts whose disbursements it closed (who may see it).
    static func record(sha256: String, fileName: String, rows: Int, paid: Int, returned: Int, by: String, districts: [String]) -> PostgresQuery {
        """
        INSERT INTO cash_confirmation_files (sha256, file_name, rows, paid, returned, confirmed_by, unit_codes)
        VALUES (\(sha256), \(fileName), \(rows), \(paid), \(returned), \(by), \(districts)::text[])
        """
    }

}
