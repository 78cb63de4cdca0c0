import ChitraCore
import PostgresNIO

/// The statements of a register import, in the order they run inside its one transaction.
enum RegisterImportSQL {
    /// A file's column as the tables name it: the file's `district_code` holds the payout unit
    /// (filled in for a commune's file), which the tables call `unit_code`.
    static func column(_ column: RegisterColumn) -> String {
        column == .districtCode ? "unit_code" : column.rawValue
    }

    static let textColumns = RegisterColumn.allCases.map(column)

    /// The staging table, typed: COPY parses the dates, and empty values arrive as NULL.
    static var createStaging: PostgresQuery {
        PostgresQuery(unsafeSQL: "CREATE TEMP TABLE import_rows (line integer NOT NULL, "
            + RegisterColumn.allCases.map { "\(column($0)) \($0.sqlType)" }.joined(separator: ", ") + ") ON COMMIT DROP")
    }

    /// The district, locked for the import: plans and imports of a district take turns, so that a
    /// run's snapshot is exactly the imports committed before its plan (see `RunSnapshotSQL`).
    static func lockDistrict(_ code: String) -> PostgresQuery {
        "SELECT 1 FROM payout_units WHERE code = \(code) FOR NO KEY UPDATE"
    }

    static func previousImport(district: String, sha256: String) -> PostgresQuery {
        "SELECT id FROM register_imports WHERE unit_code = \(district) AND content_sha256 = \(sha256)"
    }

    /// Ids that appear on more than one line: (id, first line, every other line).
    static var duplicates: PostgresQuery {
        """
        SELECT beneficiary_id, (array_agg(line ORDER BY line))[1], (array_agg(line ORDER BY line))[2:], count(*) OVER ()
        FROM import_rows GROUP BY beneficiary_id HAVING count(*) > 1 ORDER BY min(line) LIMIT 100
        """
    }

    /// Rows whose id belongs to a beneficiary of another district (ids are unique in the province),
    /// asked of a function that sees every district's ids (the importer's scope does not) and
    /// answers which ids, never where they are.
    static func otherDistricts(_ district: String) -> PostgresQuery {
        """
        SELECT r.line, count(*) OVER () FROM import_rows r
        JOIN chitra_ids_held_elsewhere(\(district), ARRAY(SELECT beneficiary_id FROM import_rows)) h USING (beneficiary_id)
        ORDER BY r.line LIMIT 100
        """
    }

    static func recordImport(district: String, sha256: String, fileName: String, rows: Int) -> PostgresQuery {
        """
        INSERT INTO register_imports (unit_code, content_sha256, file_name, row_count, new_count, changed_count,
                                      unchanged_count, left_count)
        VALUES (\(district), \(sha256), \(fileName), \(rows), 0, 0, 0, 0) RETURNING id
        """
    }

    /// Typed rows joined with what the register holds, classified.
    static func classify(district: String) -> PostgresQuery {
        """
        CREATE TEMP TABLE import_merge ON COMMIT DROP AS
        SELECT t.*, b.beneficiary_id IS NULL AS is_new, coalesce(b.current_version, 0) AS current_version,
               b.beneficiary_id IS NOT NULL AND
                   (b.program, b.category, b.payment_method, b.bank_code, b.account_number, b.account_name,
                    b.wallet_provider, b.wallet_id, b.recipient, b.recipient_name, b.recipient_cccd)
                   IS DISTINCT FROM
                   (t.program, t.category, t.payment_method, t.bank_code, t.account_number, t.account_name,
                    t.wallet_provider, t.wallet_id, t.recipient, t.recipient_name, t.recipient_cccd) AS version_changed,
               b.beneficiary_id IS NOT NULL AND
                   (b.full_name, b.cccd, b.phone, b.commune_code, b.eligible_from, b.eligible_until, b.paid_through, b.deceased_on)
                   IS DISTINCT FROM
                   (t.full_name, t.cccd, t.phone, t.commune_code, t.eligible_from, t.eligible_until, t.paid_through, t.deceased_on)
                   AS facts_changed,
               (t.eligible_until IS NOT NULL OR t.deceased_on IS NOT NULL)
                   AND (b.beneficiary_id IS NULL OR (b.eligible_until, b.deceased_on) IS DISTINCT FROM (t.eligible_until, t.deceased_on))
                   AS is_left,
               coalesce(t.change_from, (d.computed_through + interval '1 month')::date, t.eligible_from) AS change_valid_from
        FROM import_rows t
        LEFT JOIN beneficiaries b USING (beneficiary_id)
        CROSS JOIN (SELECT computed_through FROM payout_units WHERE code = \(district)) d
        """
    }

    static let personColumns = """
        full_name, cccd, phone, commune_code, eligible_from, eligible_until, paid_through, deceased_on
        """
    static let versionColumns = """
        program, category, payment_method, bank_code, account_number, account_name, wallet_provider, wallet_id,
        recipient, recipient_name, recipient_cccd
        """

    /// Whether any row names a beneficiary the register already holds (if none, every row is
    /// new and the merge takes the short way, straight from the staging table).
    static var anyKnown: PostgresQuery {
        "SELECT EXISTS (SELECT 1 FROM import_rows r JOIN beneficiaries b USING (beneficiary_id))"
    }

    /// New beneficiaries from `import_merge` (classified) or straight from `import_rows` (all new).
    static func insertNew(importID: Int64, allNew: Bool) -> PostgresQuery {
        """
        INSERT INTO beneficiaries (beneficiary_id, unit_code, \(unescaped: personColumns), \(unescaped: versionColumns),
                                   current_version, first_import_id, last_import_id)
        SELECT beneficiary_id, unit_code, \(unescaped: personColumns), \(unescaped: versionColumns), 1, \(importID), \(importID)
        FROM \(unescaped: allNew ? "import_rows" : "import_merge WHERE is_new")
        """
    }

    /// Before a beneficiary's first change, its implicit version 1 (the row as it stands) is
    /// written out, so that past months keep their category.
    static var materializeFirstVersions: PostgresQuery {
        """
        INSERT INTO beneficiary_versions (beneficiary_id, version, unit_code, valid_from, import_id, \(unescaped: versionColumns))
        SELECT b.beneficiary_id, 1, b.unit_code, b.eligible_from, b.first_import_id,
               b.program, b.category, b.payment_method, b.bank_code, b.account_number, b.account_name, b.wallet_provider,
               b.wallet_id, b.recipient, b.recipient_name, b.recipient_cccd
        FROM beneficiaries b JOIN import_merge m USING (beneficiary_id)
        WHERE m.version_changed AND b.current_version = 1
        """
    }

    static func districtIsEmpty(_ district: String) -> PostgresQuery {
        "SELECT NOT EXISTS (SELECT 1 FROM beneficiaries WHERE unit_code = \(district))"
    }

    /// The columns a direct import COPYs into `beneficiaries`.
    static let beneficiaryCopyColumns = RegisterColumn.beneficiaryOrder.map(column) + ["current_version", "first_import_id", "last_import_id"]

    /// A unit's first register, counted among the unit's rows (its index), never the whole
    /// register of the country: with 3,321 communes a count by import id alone read every
    /// beneficiary of every commune at each import.
    static func finishDirect(importID: Int64, rows: Int, district: String) -> PostgresQuery {
        """
        WITH counts AS (
            SELECT count(*) AS new_count, count(*) FILTER (WHERE eligible_until IS NOT NULL OR deceased_on IS NOT NULL) AS left_count
            FROM beneficiaries WHERE unit_code = \(district) AND first_import_id = \(importID)
        )
        UPDATE register_imports SET new_count = counts.new_count, left_count = counts.left_count, row_count = \(rows)
        FROM counts WHERE id = \(importID)
        RETURNING register_imports.new_count, register_imports.changed_count, register_imports.unchanged_count,
                  register_imports.left_count
        """
    }

    static func finishAllNew(importID: Int64, rows: Int) -> PostgresQuery {
        """
        WITH counts AS (
            SELECT count(*) AS new_count, count(*) FILTER (WHERE eligible_until IS NOT NULL OR deceased_on IS NOT NULL) AS left_count
            FROM import_rows
        )
        UPDATE register_imports SET new_count = counts.new_count, left_count = counts.left_count, row_count = \(rows)
        FROM counts WHERE id = \(importID)
        RETURNING register_imports.new_count, register_imports.changed_count, register_imports.unchanged_count,
                  register_imports.left_count
        """
    }

    static func updateChanged(importID: Int64) -> PostgresQuery {
        """
        UPDATE beneficiaries b SET (\(unescaped: personColumns), \(unescaped: versionColumns)) =
            (m.full_name, m.cccd, m.phone, m.commune_code, m.eligible_from, m.eligible_until, m.paid_through, m.deceased_on,
             m.program, m.category, m.payment_method, m.bank_code, m.account_number, m.account_name, m.wallet_provider,
             m.wallet_id, m.recipient, m.recipient_name, m.recipient_cccd),
            current_version = b.current_version + (CASE WHEN m.version_changed THEN 1 ELSE 0 END),
            last_import_id = \(importID)
        FROM import_merge m
        WHERE m.beneficiary_id = b.beneficiary_id AND NOT m.is_new AND (m.version_changed OR m.facts_changed)
        """
    }

    /// The next version of changed beneficiaries, valid from change_from or the first month not
    /// yet computed. (New beneficiaries have only their implicit version 1.)
    static func insertVersions(importID: Int64) -> PostgresQuery {
        """
        INSERT INTO beneficiary_versions (beneficiary_id, version, unit_code, valid_from, import_id, \(unescaped: versionColumns))
        SELECT beneficiary_id, current_version + 1, unit_code, change_valid_from, \(importID), \(unescaped: versionColumns)
        FROM import_merge WHERE version_changed
        """
    }

    static func finishImport(importID: Int64, rows: Int) -> PostgresQuery {
        """
        WITH counts AS (
            SELECT count(*) FILTER (WHERE is_new) AS new_count,
                   count(*) FILTER (WHERE NOT is_new AND (version_changed OR facts_changed)) AS changed_count,
                   count(*) FILTER (WHERE NOT is_new AND NOT version_changed AND NOT facts_changed) AS unchanged_count,
                   count(*) FILTER (WHERE is_left) AS left_count
            FROM import_merge
        )
        UPDATE register_imports SET row_count = \(rows), new_count = counts.new_count, changed_count = counts.changed_count,
                                    unchanged_count = counts.unchanged_count, left_count = counts.left_count
        FROM counts WHERE id = \(importID)
        RETURNING register_imports.new_count, register_imports.changed_count, register_imports.unchanged_count,
                  register_imports.left_count
        """
    }
}
