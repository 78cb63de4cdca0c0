import PostgresNIO

/// How far the data a pool reads is behind the primary (issue 29: reports, lists and status may
/// read from a standby). A standby that has replayed everything it received is current; one still
/// replaying is as old as the last transaction it replayed; a primary is never behind.
public enum StandbyLag {
    public struct Reading: Sendable, Hashable {
        /// Whether the pool reads a standby (false: the primary, when no standby is up).
        public var standby: Bool
        /// Seconds behind the primary (0 when current).
        public var seconds: Double
    }

    public static func read(_ database: Database) async throws -> Reading {
        let rows = try await database.query(StandbyLagSQL.reading, "read how far the standby is behind")
        for try await (standby, seconds) in rows.decode((Bool, Double).self) { return Reading(standby: standby, seconds: max(0, seconds)) }
        return Reading(standby: false, seconds: 0)
    }
}

enum StandbyLagSQL {
    static let reading: PostgresQuery = """
        SELECT pg_is_in_recovery(),
               CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0::float8
                    ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()), 0)::float8 END
        """
}
