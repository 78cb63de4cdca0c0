-- What a unit's members brought from the unit they moved from is read with a plan kept for the
-- session. Each shard of a month reads it (`RunShardReads`, through `chitra_moved_in_lines` and
-- `chitra_moved_in_disbursements`), and the two functions below were SQL functions with SET clauses,
-- which PostgreSQL does not inline: it planned their queries (three tables joined under row-level
-- security, twice for the lines) anew at every call. In a country's month (3,321 communes, most of
-- them one shard) that planning was 5 % of the machine's CPU (`perf`, `ops/bench/run --national`).
-- PL/pgSQL prepares a function's queries once a session; the generic plan is forced (the shard's
-- bounds are parameters of the same query at every call). Same queries, same rows, same rights.
CREATE OR REPLACE FUNCTION chitra_lines_before_moves(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, run_period date, month date, kind text, amount_vnd bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp SET chitra.every_unit = 'on' SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT l.beneficiary_id, l.run_period, l.month, l.kind::text, l.amount_vnd
    FROM beneficiary_moves m
    JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id AND b.unit_code = unit
    JOIN entitlement_lines l ON l.beneficiary_id = m.beneficiary_id AND l.unit_code = m.from_unit
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id)
    UNION ALL
    SELECT d.beneficiary_id, d.period, d.period, 'regular', d.amount_vnd
    FROM beneficiary_moves m
    JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id AND b.unit_code = unit
    JOIN disbursements d ON d.beneficiary_id = m.beneficiary_id AND d.unit_code = m.from_unit AND d.lines_implied
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id);
END
$$;

CREATE OR REPLACE FUNCTION chitra_disbursements_before_moves(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, period date, state text, pending_recovery_vnd bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = public, pg_temp SET chitra.every_unit = 'on' SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT d.beneficiary_id, d.period, d.state::text, d.pending_recovery_vnd
    FROM beneficiary_moves m
    JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id AND b.unit_code = unit
    JOIN disbursements d ON d.beneficiary_id = m.beneficiary_id AND d.unit_code = m.from_unit
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id);
END
$$;
