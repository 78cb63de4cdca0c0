import PostgresNIO

/// The statements behind `chitra jobs list|show|retry|cancel`.
enum JobAdminSQL {
    static let columns: PostgresQuery = """
        SELECT id, kind, unit_code, state::text, args::text, unique_key, priority, attempt, max_attempts,
               run_at, created_at, attempted_at, finalized_at, lease_owner, lease_expires_at, last_error, errors::text
        FROM jobs
        """
    static let returning = """
        RETURNING id, kind, unit_code, state::text, args::text, unique_key, priority, attempt, max_attempts,
                  run_at, created_at, attempted_at, finalized_at, lease_owner, lease_expires_at, last_error, errors::text
        """

    static func list(_ filter: JobQueue.Filter) -> PostgresQuery {
        var query = columns
        query.sql += " WHERE true"
        var binds = query.binds
        if let district = filter.districtCode {
            binds.append(district)
            query.sql += " AND unit_code = $\(binds.count)"
        }
        if let kind = filter.kind {
            binds.append(kind)
            query.sql += " AND kind = $\(binds.count)"
        }
        if let state = filter.state {
            binds.append(state.rawValue)
            query.sql += " AND state = $\(binds.count)::job_state"
        }
        binds.append(filter.limit)
        query.sql += " ORDER BY id DESC LIMIT $\(binds.count)"
        query.binds = binds
        return query
    }

    static func show(id: Int64) -> PostgresQuery {
        var query = columns
        query.sql += " WHERE id = $1"
        query.binds.append(id)
        return query
    }

    static func retry(id: Int64) -> PostgresQuery {
        """
        UPDATE jobs SET state = 'available', run_at = now(), finalized_at = NULL,
                        max_attempts = greatest(max_attempts, attempt + 1)
        WHERE id = \(id) AND state IN ('retryable', 'discarded', 'cancelled', 'available')
        \(unescaped: returning)
        """
    }

    static func cancel(id: Int64) -> PostgresQuery {
        """
        UPDATE jobs SET state = 'cancelled', finalized_at = now(), lease_owner = NULL, lease_expires_at = NULL,
                        last_error = 'cancelled by an operator'
        WHERE id = \(id) AND state IN ('available', 'retryable', 'running')
        \(unescaped: returning)
        """
    }

    static func counts(districtCode: String?, kind: String?) -> PostgresQuery {
        """
        SELECT state::text, count(*) FROM jobs
        WHERE (\(districtCode)::text IS NULL OR unit_code = \(districtCode))
          AND (\(kind)::text IS NULL OR kind = \(kind))
        GROUP BY state
        """
    }
}
