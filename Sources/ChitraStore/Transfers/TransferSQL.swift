import ChitraCore
import Foundation
import PostgresNIO

/// The statements of the bank and wallet rails: batching, loading a batch, recording answers.
enum TransferSQL {
    /// Disbursements a batch may take: approved ones (stored `computed` once their run, bound as
    /// parameter `run`, is approved: DisbursementState.seen), and failed ones whose automatic retry
    /// is due by the time bound as parameter `now` (NULL: the database's clock, `DatabaseTime`).
    static func due(now parameter: Int, run: Int) -> String {
        let approved = DisbursementStateSQL.seen(.approved, runApproved: "(SELECT r.state FROM runs r WHERE r.id = $\(run)) = 'approved'")
        return "(\(approved) OR (d.state = 'failed' AND d.retry_at <= coalesce($\(parameter)::timestamptz, now())))"
    }

    /// The bank and wallet transfers of run `run` (an SQL expression), disbursements alias `d`:
    /// what the index `disbursements_transfers` holds, by rail, which no update changes (so that
    /// the payout's updates are HOT: migration 44). Statements name the states they want besides.
    static func transfers(ofRun run: String) -> String {
        "d.run_id = \(run) AND d.rail <> 'cash'"
    }

    /// The rows of disbursements alias `d` still in batch `batch` of run `run`, `members` being the
    /// beneficiaries the batch was made of (SQL expressions): the batch id is not indexed (so that
    /// batching is a HOT update); the members are looked up in the run's index, one by one, instead
    /// of reading every transfer of the run, answered or not, at each load of a batch (migration 45).
    /// A member since moved to another batch is not in this one.
    static func inBatch(_ batch: String, ofRun run: String, members: String) -> String {
        "d.run_id = \(run) AND d.beneficiary_id = ANY ((\(members))::text[]) AND d.batch_id = \(batch)"
    }

    /// The members of batch `batchID` (an SQL expression), for `inBatch`.
    static func members(ofBatch batchID: Int64) -> String {
        "(SELECT t.members FROM transfer_batches t WHERE t.id = \(batchID))"
    }

    /// The creditor of disbursement `o` (an alias; bank and wallet) from the register version in
    /// force for its period (bank: its BIN, account and account name; wallet: provider, wallet id and
    /// the beneficiary's name), as the columns `institution, account, account_name` of a lateral join.
    static func creditor(of o: String) -> String {
        """
            SELECT CASE \(o).rail WHEN 'bank' THEN w.bank_code WHEN 'wallet' THEN w.wallet_provider END AS institution,
                   CASE \(o).rail WHEN 'bank' THEN w.account_number WHEN 'wallet' THEN w.wallet_id END AS account,
                   CASE \(o).rail WHEN 'bank' THEN coalesce(w.account_name, b.full_name) WHEN 'wallet' THEN b.full_name END AS account_name
            FROM beneficiaries b
            -- The version in force for the period; a beneficiary never changed has only the register's row.
            LEFT JOIN LATERAL (
                SELECT version, bank_code, account_number, account_name, wallet_provider, wallet_id FROM beneficiary_versions v
                WHERE v.beneficiary_id = \(o).beneficiary_id ORDER BY (v.valid_from <= \(o).period) DESC, v.version DESC LIMIT 1) v ON true
            CROSS JOIN LATERAL (SELECT
                CASE WHEN v.version IS NULL THEN b.bank_code ELSE v.bank_code END AS bank_code,
                CASE WHEN v.version IS NULL THEN b.account_number ELSE v.account_number END AS account_number,
                CASE WHEN v.version IS NULL THEN b.account_name ELSE v.account_name END AS account_name,
                CASE WHEN v.version IS NULL THEN b.wallet_provider ELSE v.wallet_provider END AS wallet_provider,
                CASE WHEN v.version IS NULL THEN b.wallet_id ELSE v.wallet_id END AS wallet_id) w
            WHERE b.beneficiary_id = \(o).beneficiary_id
            """
    }

    /// Takes every transfer in scope into new batches (prepared) in one statement: per institution,
    /// in beneficiary order, `limit` to a batch; moves them to `submitted` with one more attempt and
    /// their creditor, read from the register for a transfer never sent (approval writes nothing
    /// on the transfer) and kept from its first sending for one sent again (the same EndToEndId
    /// goes to the same account).
    /// Returns each batch made (id, message id, count), in id order. One scan of the run's transfers
    /// whatever the number of batches (a statement per batch scanned and sorted them all again for
    /// each). The update checks the scope again rather than locking the picked rows first (a second
    /// write of every row): a transfer another batching took meanwhile is no longer in scope when
    /// its lock is released, so it is skipped, and each batch counts only what moved; a batch left
    /// with nothing is not written.
    static func batch(_ scope: TransferScope, limit: Int, messagePrefix: String, requestedBy: String?) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            WITH scoped AS (
                SELECT d.beneficiary_id, d.period, coalesce(d.institution, c.institution) AS institution,
                       coalesce(d.account, c.account) AS account, coalesce(d.account_name, c.account_name) AS account_name
                FROM disbursements d
                LEFT JOIN LATERAL (\(creditor(of: "d"))) c ON d.institution IS NULL
                WHERE
            """)
        scope.appendWhere(to: &query)
        query.sql += """

            ), picked AS (
                SELECT s.*, (row_number() OVER (PARTITION BY s.institution ORDER BY s.beneficiary_id) - 1) / \(max(limit, 1)) AS part
                FROM scoped s WHERE s.institution IS NOT NULL
            ), parts AS MATERIALIZED (
                SELECT institution, part, nextval(pg_get_serial_sequence('transfer_batches', 'id')) AS id
                FROM (SELECT DISTINCT institution, part FROM picked) p
            ),
            moved AS (
                UPDATE disbursements d SET state = 'submitted', attempts = d.attempts + 1, batch_id = parts.id, retry_at = NULL,
                    inquire_at = NULL, retried_by = coalesce($\(query.binds.count + 1), d.retried_by),
                    institution = picked.institution, account = picked.account, account_name = picked.account_name
                FROM picked JOIN parts ON parts.institution = picked.institution AND parts.part = picked.part
                WHERE d.beneficiary_id = picked.beneficiary_id AND d.period = picked.period AND
            """
        query.binds.append(requestedBy)
        scope.appendWhere(to: &query)
        let bindsBefore = query.binds.count
        query.sql += """

                RETURNING d.batch_id, d.amount_vnd, d.beneficiary_id
            ), batch AS (
                INSERT INTO transfer_batches (id, message_id, run_id, unit_code, rail, institution, transfers, amount_vnd, requested_by, members)
                OVERRIDING SYSTEM VALUE
                SELECT parts.id, $\(bindsBefore + 1) || parts.id, $\(bindsBefore + 2), $\(bindsBefore + 3), $\(bindsBefore + 4), parts.institution,
                       m.transfers, m.amount, $\(bindsBefore + 5), m.members
                FROM parts JOIN (SELECT batch_id, count(*) AS transfers, sum(amount_vnd) AS amount, array_agg(beneficiary_id) AS members
                                 FROM moved GROUP BY batch_id) m
                     ON m.batch_id = parts.id
                RETURNING id, message_id, transfers
            )
            SELECT batch.id, batch.message_id, batch.transfers::int8 FROM batch ORDER BY batch.id
            """
        query.binds.append(messagePrefix)
        query.binds.append(scope.runID)
        query.binds.append(scope.district)
        query.binds.append(scope.rail.rawValue)
        query.binds.append(requestedBy)
        return query
    }

    static func loadBatch(id: Int64) -> PostgresQuery {
        """
        SELECT t.message_id, t.run_id, t.unit_code, t.rail, t.institution, t.state, r.period::text,
               coalesce(s.paying_account_name, s.name), s.paying_account, s.paying_bank,
               coalesce(extract(epoch FROM now() - t.posted_at) * 1000, 0)::int8
        FROM transfer_batches t JOIN runs r ON r.id = t.run_id JOIN payout_units s ON s.code = t.unit_code
        WHERE t.id = \(id)
        """
    }

    /// The transfers a batch (of run `runID`) still holds without a known outcome.
    static func submittedTransfers(batchID: Int64, runID: Int64) -> PostgresQuery {
        """
        SELECT end_to_end_id, beneficiary_id, amount_vnd, institution, account, account_name, attempts FROM disbursements d
        WHERE \(unescaped: inBatch(String(batchID), ofRun: String(runID), members: members(ofBatch: batchID))) AND d.state = 'submitted' ORDER BY end_to_end_id
        """
    }

    static func markPosting(batchID: Int64) -> PostgresQuery {
        "UPDATE transfer_batches SET state = 'posting', posted_at = now() WHERE id = \(batchID) AND state = 'prepared' RETURNING id"
    }

    /// A batch is answered once none of its transfers is still `submitted` (of this batch).
    static func markAnsweredIfDone(batchID: Int64, runID: Int64, error: String?) -> PostgresQuery {
        """
        UPDATE transfer_batches SET state = CASE WHEN EXISTS (SELECT 1 FROM disbursements d
                                                              WHERE \(unescaped: inBatch(String(batchID), ofRun: String(runID), members: members(ofBatch: batchID))) AND d.state = 'submitted')
                                                 THEN state ELSE 'answered' END,
            answered_at = now(), last_error = coalesce(\(error), last_error)
        WHERE id = \(batchID) AND state = 'posting'
        RETURNING state
        """
    }

    /// Records outcomes, each guarded by the state it leaves: (EndToEndId, from, to, reason or '',
    /// retryable, ms until the retry or -1, ms until the next inquiry or -1).
    static func recordOutcomes(ids: [String], from: [String], to: [String], reasons: [String], retryable: [Bool],
                               retryMilliseconds: [Int64], inquireMilliseconds: [Int64], now: Date?) -> PostgresQuery {
        """
        WITH clock AS (SELECT coalesce(\(now)::timestamptz, now()) AS now),
        changed AS (
            UPDATE disbursements d SET state = u.next,
                failure_reason = CASE WHEN u.reason = '' THEN d.failure_reason ELSE u.reason END,
                failure_retryable = CASE WHEN u.reason = '' THEN d.failure_retryable ELSE u.retryable END,
                retry_at = CASE WHEN u.retry_ms < 0 THEN NULL ELSE clock.now + u.retry_ms * interval '1 millisecond' END,
                inquire_at = CASE WHEN u.inquire_ms < 0 THEN NULL ELSE clock.now + u.inquire_ms * interval '1 millisecond' END
            FROM clock, unnest(\(ids)::text[], \(from)::text[], \(to)::text[], \(reasons)::text[], \(retryable)::bool[],
                        \(retryMilliseconds)::int8[], \(inquireMilliseconds)::int8[]) AS u(id, previous, next, reason, retryable, retry_ms, inquire_ms)
            -- The array again, so that the planner takes the EndToEndId's index: joined to the
            -- unnest alone, it hashed a scan of the whole table for every batch of outcomes
            -- (a second at 200,000 disbursements, more with every month kept).
            WHERE d.end_to_end_id = ANY(\(ids)::text[]) AND d.end_to_end_id = u.id AND d.state = u.previous
            RETURNING 1
        )
        SELECT count(*) FROM changed
        """
    }

    /// Failed transfers of one reason to the post office's list (and who asked, for finance). No join
    /// to an array of reasons: estimating few failed rows, the planner joined such an array to the
    /// transfers in a nested loop, every row against every row (0.2 s for 900 fallbacks, minutes
    /// for ten thousand); a statement per reason (a handful) is a plain update by EndToEndId.
    static func fallBack(ids: [String], reason: String, by person: String?) -> PostgresQuery {
        """
        WITH moved AS (
            UPDATE disbursements d SET state = 'cash_instructed', fallback_reason = \(reason), fallback_by = \(person), retry_at = NULL
            WHERE d.end_to_end_id = ANY(\(ids)::text[]) AND d.state = 'failed'
            RETURNING 1
        )
        SELECT count(*) FROM moved
        """
    }

    static func flagAccountReview(ids: [String]) -> PostgresQuery {
        """
        UPDATE beneficiaries b SET account_review = true FROM disbursements d
        WHERE d.end_to_end_id = ANY(\(ids)::text[]) AND b.beneficiary_id = d.beneficiary_id
        """
    }

    static func reportDeceased(ids: [String]) -> PostgresQuery {
        """
        UPDATE beneficiaries b SET deceased_reported_at = coalesce(b.deceased_reported_at, now()) FROM disbursements d
        WHERE d.end_to_end_id = ANY(\(ids)::text[]) AND b.beneficiary_id = d.beneficiary_id
        """
    }

    /// Accepted and pending transfers of a run whose next inquiry is due.
    static func dueInquiries(runID: Int64, limit: Int, now: Date?) -> PostgresQuery {
        """
        SELECT d.end_to_end_id, d.rail, d.institution, d.state, d.attempts, coalesce(t.message_id, ''), d.amount_vnd, d.beneficiary_id FROM disbursements d
        LEFT JOIN transfer_batches t ON t.id = d.batch_id
        WHERE \(unescaped: transfers(ofRun: String(runID))) AND d.state IN ('accepted', 'pending') AND (d.inquire_at IS NULL OR d.inquire_at <= coalesce(\(now)::timestamptz, now()))
        ORDER BY d.inquire_at NULLS FIRST LIMIT \(limit)
        """
    }

    /// What a run still has on the rails, in one pass over its transfers: (approved, in flight,
    /// failed with an automatic retry, failed waiting for finance, accepted or pending).
    static func motion(runID: Int64) -> PostgresQuery {
        let approved = DisbursementStateSQL.seen(.approved, runApproved: "(SELECT r.state FROM runs r WHERE r.id = \(runID)) = 'approved'")
        return """
        SELECT count(*) FILTER (WHERE \(unescaped: approved))::int8,
               count(*) FILTER (WHERE d.state IN ('submitted', 'accepted', 'pending'))::int8,
               count(*) FILTER (WHERE d.state = 'failed' AND d.retry_at IS NOT NULL)::int8,
               count(*) FILTER (WHERE d.state = 'failed' AND d.retry_at IS NULL)::int8,
               count(*) FILTER (WHERE d.state IN ('accepted', 'pending'))::int8
        FROM disbursements d WHERE \(unescaped: transfers(ofRun: String(runID)))
        """
    }


    /// Every failed transfer of a run, for the district's automatic fallback day.
    static func failedOfRun(runID: Int64) -> PostgresQuery {
        "SELECT end_to_end_id, coalesce(failure_reason, '') FROM disbursements d WHERE \(unescaped: transfers(ofRun: String(runID))) AND d.state = 'failed'"
    }

    static func fallbackDay(runID: Int64) -> PostgresQuery {
        "SELECT s.cash_fallback_day, r.period::text FROM runs r JOIN payout_units s ON s.code = r.unit_code WHERE r.id = \(runID)"
    }
}

extension TransferSQL {
    /// Moves transfers still `submitted` in batch `from` to a new prepared batch of the same run,
    /// rail and institution, with one more attempt.
    static func rebatch(ids: [String], from batchID: Int64, messagePrefix: String) -> PostgresQuery {
        """
        WITH picked AS (
            SELECT d.beneficiary_id, d.period, d.amount_vnd FROM disbursements d
            WHERE d.end_to_end_id = ANY(\(ids)::text[]) AND d.batch_id = \(batchID) AND d.state = 'submitted' FOR UPDATE
        ), old AS (SELECT run_id, unit_code, rail, institution FROM transfer_batches WHERE id = \(batchID)),
        next AS (SELECT nextval(pg_get_serial_sequence('transfer_batches', 'id')) AS id),
        batch AS (
            INSERT INTO transfer_batches (id, message_id, run_id, unit_code, rail, institution, transfers, amount_vnd, members)
            OVERRIDING SYSTEM VALUE
            SELECT next.id, \(messagePrefix) || next.id, old.run_id, old.unit_code, old.rail, old.institution,
                   (SELECT count(*) FROM picked), (SELECT sum(amount_vnd) FROM picked), (SELECT array_agg(beneficiary_id) FROM picked)
            FROM next, old WHERE EXISTS (SELECT 1 FROM picked)
            RETURNING id, message_id
        ), moved AS (
            UPDATE disbursements d SET attempts = d.attempts + 1, batch_id = batch.id
            FROM picked, batch WHERE d.beneficiary_id = picked.beneficiary_id AND d.period = picked.period
            RETURNING 1
        )
        SELECT batch.id, batch.message_id, (SELECT count(*) FROM moved)::int8 FROM batch
        """
    }
}

extension TransferSQL {
    static func runOf(runID: Int64) -> PostgresQuery {
        "SELECT period::text, state::text FROM runs WHERE id = \(runID)"
    }
}
