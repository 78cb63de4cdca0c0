-- Registers moved through the official lineage (issue 23): when a reform abolishes a payout unit,
-- each of its beneficiaries goes to the unit that took over their commune, or waits for a person
-- to assign them where the lineage names several. The history stays where it was written (the
-- district's runs, lines and disbursements are its record); the unit a person moved to reads it
-- through the functions below when it computes, so that nothing is paid twice and nothing is lost.

-- One move of an abolished unit's register, on the first day its successors pay.
CREATE TABLE register_moves (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_unit  text NOT NULL REFERENCES districts,
    effective  date NOT NULL CHECK (extract(day FROM effective) = 1),
    moved_at   timestamptz NOT NULL DEFAULT now(),
    moved_by   text NOT NULL CHECK (moved_by <> ''),
    UNIQUE (from_unit, effective)
);

-- Each beneficiary's part of a move: the commune they were registered in, the units the lineage
-- offers, and where they went (NULL while they wait for a person to assign them).
CREATE TABLE beneficiary_moves (
    beneficiary_id text NOT NULL,
    effective      date NOT NULL,
    move_id        bigint NOT NULL REFERENCES register_moves,
    from_unit      text NOT NULL,
    old_commune    text NOT NULL,
    candidates     text[] NOT NULL CHECK (cardinality(candidates) > 0),
    to_unit        text,
    -- lineage: the lineage named one unit; waiting: for a person to choose; assigned: a person chose.
    how            text NOT NULL CHECK (how IN ('lineage', 'waiting', 'assigned')),
    assigned_by    text,
    assigned_at    timestamptz,
    PRIMARY KEY (beneficiary_id, effective),
    CHECK ((how = 'waiting') = (to_unit IS NULL)),
    CHECK (to_unit IS NULL OR to_unit = ANY (candidates)),
    CHECK ((how = 'assigned') = (assigned_by IS NOT NULL AND assigned_at IS NOT NULL))
);
CREATE INDEX beneficiary_moves_to ON beneficiary_moves (to_unit, beneficiary_id);
CREATE INDEX beneficiary_moves_from ON beneficiary_moves (from_unit, how);

-- Seen by the units on either side (and by every-unit scopes); written by a scope that reaches both.
ALTER TABLE register_moves ENABLE ROW LEVEL SECURITY;
ALTER TABLE register_moves FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON register_moves USING ((SELECT chitra_every_unit()) OR from_unit = ANY ((SELECT chitra_scope())::text[]));
ALTER TABLE beneficiary_moves ENABLE ROW LEVEL SECURITY;
ALTER TABLE beneficiary_moves FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON beneficiary_moves
    USING ((SELECT chitra_every_unit()) OR from_unit = ANY ((SELECT chitra_scope())::text[]) OR to_unit = ANY ((SELECT chitra_scope())::text[]))
    WITH CHECK ((SELECT chitra_every_unit()) OR (from_unit = ANY ((SELECT chitra_scope())::text[])
                AND (to_unit IS NULL OR to_unit = ANY ((SELECT chitra_scope())::text[]))));
REVOKE DELETE ON register_moves, beneficiary_moves FROM chitra_app;

-- What the units a person came from wrote for them: entitlement lines and disbursements of the
-- members of `unit` between two ids (a shard), from every unit they moved out of. The inner
-- functions see every unit; the application calls only the outer ones, which first check that
-- `unit` is in the caller's scope.
CREATE FUNCTION chitra_lines_before_moves(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, run_period date, month date, kind text, amount_vnd bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
    SELECT l.beneficiary_id, l.run_period, l.month, l.kind::text, l.amount_vnd
    FROM beneficiary_moves m
    JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id AND b.district_code = unit
    JOIN entitlement_lines l ON l.beneficiary_id = m.beneficiary_id AND l.district_code = m.from_unit
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id)
$$;
REVOKE ALL ON FUNCTION chitra_lines_before_moves(text, text, text) FROM PUBLIC;

CREATE FUNCTION chitra_disbursements_before_moves(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, period date, state text, pending_recovery_vnd bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET chitra.every_unit = 'on' AS $$
    SELECT d.beneficiary_id, d.period, d.state::text, d.pending_recovery_vnd
    FROM beneficiary_moves m
    JOIN beneficiaries b ON b.beneficiary_id = m.beneficiary_id AND b.district_code = unit
    JOIN disbursements d ON d.beneficiary_id = m.beneficiary_id AND d.district_code = m.from_unit
    WHERE m.to_unit IS NOT NULL AND m.beneficiary_id >= lower_id AND (upper_id IS NULL OR m.beneficiary_id < upper_id)
$$;
REVOKE ALL ON FUNCTION chitra_disbursements_before_moves(text, text, text) FROM PUBLIC;

CREATE FUNCTION chitra_require_unit_in_scope(unit text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT (chitra_every_unit() OR unit = ANY (coalesce(chitra_scope(), '{}'::text[]))) THEN
        RAISE EXCEPTION 'unit % is not in this transaction''s scope', unit USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

CREATE FUNCTION chitra_moved_in_lines(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, run_period date, month date, kind text, amount_vnd bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM chitra_require_unit_in_scope(unit);
    RETURN QUERY SELECT * FROM chitra_lines_before_moves(unit, lower_id, upper_id);
END
$$;
REVOKE ALL ON FUNCTION chitra_moved_in_lines(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_moved_in_lines(text, text, text) TO chitra_app;

CREATE FUNCTION chitra_moved_in_disbursements(unit text, lower_id text, upper_id text)
RETURNS TABLE (beneficiary_id text, period date, state text, pending_recovery_vnd bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM chitra_require_unit_in_scope(unit);
    RETURN QUERY SELECT * FROM chitra_disbursements_before_moves(unit, lower_id, upper_id);
END
$$;
REVOKE ALL ON FUNCTION chitra_moved_in_disbursements(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION chitra_moved_in_disbursements(text, text, text) TO chitra_app;
