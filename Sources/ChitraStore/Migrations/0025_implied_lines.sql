-- Most people's month is one regular line of the month itself, of exactly the disbursement's
-- amount: the disbursement already says everything that line says. Writing it as a row of its own
-- cost a heap row and a four-column key for nine people in ten (the compute's second-largest
-- write: 24 s of the database's 136 s in a million's month, ops/bench/results/run.md). Such a
-- line is now implied by its disbursement (`lines_implied`), and written only when the month says
-- more (arrears, recoveries, a funeral allowance, a partial month of another amount).
--
-- Every reader of lines reads `all_entitlement_lines`: the lines written, and one regular line of
-- the disbursement's period and amount for each disbursement that implies it. What a month holds is
-- unchanged; only where it is kept. The view runs with its caller's rights (security_invoker), so
-- both tables' row-level security applies to it as to them.
ALTER TABLE disbursements ADD COLUMN lines_implied boolean NOT NULL DEFAULT false;

CREATE VIEW all_entitlement_lines WITH (security_invoker = true) AS
    SELECT beneficiary_id, run_period, month, kind, amount_vnd, unit_code, run_id FROM entitlement_lines
    UNION ALL
    SELECT beneficiary_id, period, period, 'regular', amount_vnd, unit_code, run_id FROM disbursements WHERE lines_implied;
GRANT SELECT ON all_entitlement_lines TO chitra_app;

-- The lines a moved person brought along, implied ones included: each table joined on its own
-- (joined to the view, the planner scanned every implied disbursement of the country for each
-- shard: 68 ms a shard, most of a national month's database time).
CREATE OR REPLACE FUNCTION chitra_lines_before_moves(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, run_period date, month date, kind text, amount_vnd bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
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
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id)
$$;
