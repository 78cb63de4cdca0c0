-- Row-level security evaluated once per statement, not once per row. The policies compared each
-- row's district with string_to_array(current_setting('chitra.districts')): a stable expression,
-- so PostgreSQL computed it again for every row it read or wrote (0.5 µs a row, more than reading
-- the row; a payout reads tens of millions of rows). As a scalar subquery it is an InitPlan,
-- computed once and compared as a parameter (0.1 µs a row); what a scope sees is unchanged:
-- unset, nothing; '954,956', those two districts.

ALTER POLICY tenant ON beneficiaries USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON beneficiary_versions USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON register_imports USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON runs USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON run_members USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON run_totals USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON entitlement_lines USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON disbursements USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON run_shards USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON transfer_batches USING (district_code = ANY ((SELECT chitra_scope())::text[]));
ALTER POLICY tenant ON jobs USING (district_code = ANY ((SELECT chitra_scope())::text[]));
-- The same for the policies of the smaller tables, so that every policy reads its scope one way.
ALTER POLICY tenant ON districts USING (code = ANY ((SELECT chitra_scope())::text[]) OR (SELECT chitra_global()));
ALTER POLICY tenant ON cash_confirmation_files
    USING (district_codes && (SELECT chitra_scope())::text[] OR (SELECT chitra_global()))
    WITH CHECK (district_codes <@ (SELECT chitra_scope())::text[]);
ALTER POLICY tenant ON api_tokens USING ((SELECT chitra_global()));
ALTER POLICY tenant ON audit_log
    USING (district_code = ANY ((SELECT chitra_scope())::text[]) OR (district_code IS NULL AND (SELECT chitra_global())));
