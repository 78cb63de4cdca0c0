-- The rails' driver reads, every pass, what of a run is still moving (approved, on its way,
-- failed): with an index on only the retry and inquiry states, each pass scanned the whole run
-- (the payout benchmark: a million disbursements, four such scans per pass, most of the database's
-- time). The moving rows alone are indexed now; once a run settles the index holds next to nothing.
DROP INDEX disbursements_due;
CREATE INDEX disbursements_moving ON disbursements (run_id, state)
    WHERE state IN ('approved', 'submitted', 'accepted', 'pending', 'failed');
