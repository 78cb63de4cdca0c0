-- A completed month's report, as it stood when the run completed: later imports change the
-- register (who has a CCCD, an account) but never what was reported to the province for that month.
ALTER TABLE runs ADD COLUMN report jsonb;

CREATE FUNCTION refuse_report_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the report of run % (district %, %) is frozen', OLD.id, OLD.district_code, to_char(OLD.period, 'YYYY-MM')
        USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER runs_report_frozen BEFORE UPDATE OF report ON runs
    FOR EACH ROW WHEN (OLD.report IS NOT NULL AND NEW.report IS DISTINCT FROM OLD.report) EXECUTE FUNCTION refuse_report_change();
