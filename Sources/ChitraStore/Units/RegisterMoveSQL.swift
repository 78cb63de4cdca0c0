import ChitraCore
import PostgresNIO

/// The statements of moving an abolished unit's register to the units that took it over.
enum RegisterMoveSQL {
    /// The unit, locked against imports and plans, and the first month it no longer pays.
    static func lockUnit(_ unit: String) -> PostgresQuery {
        "SELECT to_char(valid_to, 'YYYY-MM') FROM payout_units WHERE code = \(unit) FOR NO KEY UPDATE"
    }

    /// A run of the units named that is not finished: not yet approved (`settled` false), or not
    /// yet completed or cancelled (`settled` true: every payment of the old unit has its answer,
    /// so that nothing of the register it reads moves under it).
    static func openRun(units: [String], settled: Bool) -> PostgresQuery {
        """
        SELECT unit_code, to_char(period, 'YYYY-MM'), state::text FROM runs
        WHERE unit_code = ANY (\(units)::text[])
          AND (state IN ('planning', 'computing', 'computed', 'failed') OR (\(settled) AND state = 'approved'))
        ORDER BY unit_code, period LIMIT 1
        """
    }

    /// How many lineage edges leave the unit on `effective`.
    static func edgeCount(from unit: String, effective: String) -> PostgresQuery {
        """
        SELECT count(*)::int8 FROM unit_lineage
        WHERE effective = \(effective)::date AND old_district_code = \(unit)
        """
    }

    static func recordMove(from unit: String, effective: String, by actor: String) -> PostgresQuery {
        """
        WITH inserted AS (
            INSERT INTO register_moves (from_unit, effective, moved_by) VALUES (\(unit), \(effective)::date, \(actor))
            ON CONFLICT (from_unit, effective) DO NOTHING RETURNING id)
        SELECT id FROM inserted UNION ALL SELECT id FROM register_moves WHERE from_unit = \(unit) AND effective = \(effective)::date
        LIMIT 1
        """
    }

    /// Each beneficiary still registered in the unit, with the units its commune's lineage edges
    /// name: one, unambiguous, moves them; otherwise they wait for a person. A commune the lineage
    /// does not know offers every successor of the unit. How many were planned.
    static func planPeople(moveID: Int64, from unit: String, effective: String) -> PostgresQuery {
        """
        WITH edges AS (
            SELECT old_commune_code, array_agg(DISTINCT new_commune_code ORDER BY new_commune_code) AS candidates,
                   bool_or(kind = 'ambiguous') AS ambiguous
            FROM unit_lineage WHERE effective = \(effective)::date AND old_district_code = \(unit)
            GROUP BY old_commune_code),
        everywhere AS (
            SELECT array_agg(DISTINCT new_commune_code ORDER BY new_commune_code) AS candidates
            FROM unit_lineage WHERE effective = \(effective)::date AND old_district_code = \(unit)),
        people AS (
            SELECT b.beneficiary_id, b.commune_code, coalesce(e.candidates, w.candidates) AS candidates,
                   coalesce(e.ambiguous, true) OR cardinality(coalesce(e.candidates, w.candidates)) <> 1 AS waits
            FROM beneficiaries b LEFT JOIN edges e ON e.old_commune_code = b.commune_code CROSS JOIN everywhere w
            WHERE b.unit_code = \(unit)
              AND NOT EXISTS (SELECT FROM beneficiary_moves m WHERE m.beneficiary_id = b.beneficiary_id AND m.effective = \(effective)::date)),
        planned AS (
            INSERT INTO beneficiary_moves (beneficiary_id, effective, move_id, from_unit, old_commune, candidates, to_unit, how)
            SELECT beneficiary_id, \(effective)::date, \(moveID), \(unit), commune_code, candidates,
                   CASE WHEN waits THEN NULL ELSE candidates[1] END, CASE WHEN waits THEN 'waiting' ELSE 'lineage' END
            FROM people
            RETURNING 1)
        SELECT count(*)::int8 FROM planned
        """
    }

    /// The units people of the move go to and have not yet reached.
    static func pendingDestinations(moveID: Int64, from unit: String) -> PostgresQuery {
        """
        SELECT DISTINCT m.to_unit FROM beneficiary_moves m JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id
        WHERE m.move_id = \(moveID) AND m.to_unit IS NOT NULL AND b.unit_code = \(unit) ORDER BY 1
        """
    }

    static func lockUnits(_ units: [String]) -> PostgresQuery {
        "SELECT code FROM payout_units WHERE code = ANY (\(units)::text[]) ORDER BY code FOR NO KEY UPDATE"
    }

    /// Moves the register rows of the move's people who have a unit and are still in the old one.
    /// How many, as one count.
    static func moveBeneficiaries(moveID: Int64, from unit: String) -> PostgresQuery {
        """
        WITH moved AS (
            UPDATE beneficiaries b SET unit_code = m.to_unit, commune_code = m.to_unit
            FROM beneficiary_moves m
            WHERE m.move_id = \(moveID) AND m.beneficiary_id = b.beneficiary_id AND m.to_unit IS NOT NULL AND b.unit_code = \(unit)
            RETURNING 1)
        SELECT count(*)::int8 FROM moved
        """
    }

    static func moveVersions(moveID: Int64, from unit: String) -> PostgresQuery {
        """
        UPDATE beneficiary_versions v SET unit_code = m.to_unit
        FROM beneficiary_moves m
        WHERE m.move_id = \(moveID) AND m.beneficiary_id = v.beneficiary_id AND m.to_unit IS NOT NULL AND v.unit_code = \(unit)
        """
    }

    /// Where the move's people are: by destination (empty: waiting) with its name, how many.
    static func counts(moveID: Int64) -> PostgresQuery {
        """
        SELECT coalesce(m.to_unit, ''), coalesce(d.name, ''), count(*)::int8
        FROM beneficiary_moves m LEFT JOIN payout_units d ON d.code = m.to_unit
        WHERE m.move_id = \(moveID) GROUP BY 1, 2 ORDER BY 1
        """
    }

    static func latestMove(from unit: String) -> PostgresQuery {
        "SELECT id, to_char(effective, 'YYYY-MM') FROM register_moves WHERE from_unit = \(unit) ORDER BY effective DESC LIMIT 1"
    }

    /// The abolished units in scope that hold people or moved a register: code, name, the first
    /// month their successors pay, people still registered, whether a move was made, and its
    /// people moved, destinations and people waiting — one statement for every unit.
    static let abolished: PostgresQuery = """
        SELECT u.code, u.name, to_char(u.valid_to, 'YYYY-MM'), u.registered, u.move_id IS NOT NULL,
               ARRAY[coalesce(m.moved, 0), coalesce(m.destinations, 0), coalesce(m.waiting, 0)]::int8[]
        FROM (SELECT d.code, d.name, d.valid_to,
                     (SELECT count(*) FROM beneficiaries b WHERE b.unit_code = d.code)::int8 AS registered,
                     (SELECT r.id FROM register_moves r WHERE r.from_unit = d.code ORDER BY r.effective DESC LIMIT 1) AS move_id
              FROM payout_units d WHERE d.valid_to IS NOT NULL) AS u
        LEFT JOIN LATERAL (
            SELECT count(*) FILTER (WHERE bm.to_unit IS NOT NULL) AS moved, count(DISTINCT bm.to_unit) AS destinations,
                   count(*) FILTER (WHERE bm.to_unit IS NULL) AS waiting
            FROM beneficiary_moves bm WHERE bm.move_id = u.move_id) m ON u.move_id IS NOT NULL
        WHERE u.registered > 0 OR u.move_id IS NOT NULL
        ORDER BY u.code
        """

    /// The people of a move waiting for a person, with their names and the candidates' names.
    static func waiting(moveID: Int64) -> PostgresQuery {
        """
        SELECT m.beneficiary_id, b.full_name, m.old_commune, coalesce(oc.name_with_type, ''),
               ARRAY(SELECT c FROM unnest(m.candidates) c ORDER BY c),
               ARRAY(SELECT coalesce(d.name, '') FROM unnest(m.candidates) c LEFT JOIN payout_units d ON d.code = c ORDER BY c)
        FROM beneficiary_moves m
        JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id
        JOIN register_moves r ON r.id = m.move_id
        LEFT JOIN units oc ON oc.level = 'commune' AND oc.code = m.old_commune AND oc.valid_to = r.effective
        WHERE m.move_id = \(moveID) AND m.to_unit IS NULL
        ORDER BY m.beneficiary_id
        """
    }

    /// The waiting rows of the move named by `ids`, with their candidates.
    static func candidates(moveID: Int64, ids: [String]) -> PostgresQuery {
        """
        SELECT beneficiary_id, candidates, coalesce(to_unit, '') FROM beneficiary_moves
        WHERE move_id = \(moveID) AND beneficiary_id = ANY (\(ids)::text[])
        """
    }

    static func assign(moveID: Int64, ids: [String], units: [String], by actor: String) -> PostgresQuery {
        """
        UPDATE beneficiary_moves m SET to_unit = a.unit, how = 'assigned', assigned_by = \(actor), assigned_at = now()
        FROM unnest(\(ids)::text[], \(units)::text[]) AS a(id, unit)
        WHERE m.move_id = \(moveID) AND m.beneficiary_id = a.id AND m.to_unit IS NULL
        """
    }
}
