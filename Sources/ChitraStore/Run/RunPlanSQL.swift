import ChitraCore
import PostgresNIO

/// The statements of the `plan` step.
enum RunPlanSQL {
    /// Plans and imports of a district take turns: a plan's snapshot is the register after every
    /// import committed before it, and an import after the plan keeps copies of what it changes.
    /// (NO KEY UPDATE: a run inserted for the district, which only checks its key, is not blocked.)
    static func lockDistrict(_ district: String) -> PostgresQuery {
        "SELECT code FROM payout_units WHERE code = \(district) FOR NO KEY UPDATE"
    }

    /// Another run of the district still computing: a run reads what earlier runs paid, so the
    /// district's runs compute one after the other.
    static func otherRunComputing(district: String, runID: Int64) -> PostgresQuery {
        """
        SELECT to_char(period, 'YYYY-MM') FROM runs
        WHERE unit_code = \(district) AND id <> \(runID) AND state = 'computing' LIMIT 1
        """
    }

    /// The snapshot's mark: the last import id given out, of any unit. The unit's own imports wait
    /// for the plan (they take the unit's row, as the plan does), so everyone in its register now —
    /// imported here, or moved in from an abolished unit with an import id of that unit's — has an
    /// id up to the mark, and whoever an import adds after the plan has a greater one.
    static let snapshotMark: PostgresQuery = "SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::int8 FROM register_imports_id_seq"

    /// The district's members (everyone entitled from the period or earlier) in id order, as one
    /// `TabText` value: the plan keeps every `shardSize`-th id as a shard's first.
    static func memberIDs(district: String, period: Period) -> PostgresQuery {
        """
        SELECT coalesce(string_agg(beneficiary_id, E'\\n' ORDER BY beneficiary_id), '') FROM beneficiaries
        WHERE unit_code = \(district) AND eligible_from <= \(period)
        """
    }
}
