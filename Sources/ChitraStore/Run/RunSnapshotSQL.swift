import PostgresNIO

/// Copy-on-write of run snapshots. A plan copies nothing: its snapshot is the register as the
/// district's last import left it. An import arriving while a run of its district computes first
/// keeps, for that run, the rows it is about to change (with their versions), and the run reads
/// those copies instead of the register. A second import keeps the first copy: the plan's.
/// Every changed row the plan knew is copied, members or not: a row not yet entitled at the plan
/// and moved earlier by the import must stay out of the run, and its copy says so.
enum RunSnapshotSQL {
    /// Run in the import's transaction, after `import_merge` is classified and before any row of
    /// `beneficiaries` or `beneficiary_versions` changes.
    static func keepCopies(district: String) -> PostgresQuery {
        """
        INSERT INTO run_members (run_id, beneficiary_id, unit_code, eligible_from, eligible_until, deceased_on, paid_through,
                                 payment_method, version_numbers, version_from, version_programs, version_categories)
        SELECT r.id, b.beneficiary_id, b.unit_code, b.eligible_from, b.eligible_until, b.deceased_on, b.paid_through,
               b.payment_method, coalesce(v.numbers, ARRAY[1]), coalesce(v.froms, ARRAY[b.eligible_from]),
               coalesce(v.programs, ARRAY[b.program]), coalesce(v.categories, ARRAY[b.category])
        FROM runs r
        JOIN beneficiaries b ON b.unit_code = r.unit_code AND b.first_import_id <= r.register_import_id
        JOIN import_merge m ON m.beneficiary_id = b.beneficiary_id AND NOT m.is_new AND (m.version_changed OR m.facts_changed)
        LEFT JOIN LATERAL (
            SELECT array_agg(version ORDER BY version) AS numbers, array_agg(valid_from ORDER BY version) AS froms,
                   array_agg(program ORDER BY version) AS programs, array_agg(category ORDER BY version) AS categories
            FROM beneficiary_versions bv WHERE bv.beneficiary_id = b.beneficiary_id AND bv.import_id <= r.register_import_id
            HAVING count(*) > 0
        ) v ON true
        WHERE r.unit_code = \(district) AND r.state = 'computing'
        ON CONFLICT (run_id, beneficiary_id) DO NOTHING
        """
    }
}
