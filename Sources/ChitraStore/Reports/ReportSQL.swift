import ChitraCore
import PostgresNIO

/// The statements of the monthly report.
enum ReportSQL {
    /// The units of the report: those asked (or every one the caller sees) that pay in `period`.
    static func districts(_ codes: [String]?, paying period: Period, province: String?) -> PostgresQuery {
        """
        SELECT code, name FROM payout_units
        WHERE (\(codes)::text[] IS NULL OR code = ANY(\(codes)::text[])) AND (\(province)::text IS NULL OR province_code = \(province))
          AND months @> \(period)
        ORDER BY code
        """
    }

    /// The units each of `units` came from through a reform after `earlier`, up to `period`.
    static func formerUnits(_ units: [String], after earlier: Period, through period: Period) -> PostgresQuery {
        """
        SELECT new_commune_code, array_agg(DISTINCT coalesce(old_district_code, old_commune_code) ORDER BY coalesce(old_district_code, old_commune_code))
        FROM unit_lineage
        WHERE new_commune_code = ANY(\(units)::text[]) AND effective > \(earlier) AND effective <= \(period)
        GROUP BY new_commune_code
        """
    }

    static func runs(_ codes: [String], period: Period) -> PostgresQuery {
        "SELECT unit_code, state, report::text FROM runs WHERE period = \(period) AND unit_code = ANY(\(codes)::text[])"
    }

    /// The month's disbursements counted by everything the report splits them by. Read through
    /// the units' runs of the month (a run's disbursements are its unit's of its period): asked by
    /// unit and period, the table has no index to take, and each report scanned every month of
    /// every unit (a month closing on its statements froze its report in 0.5–1 s at a million).
    static func disbursements(_ codes: [String], period: Period) -> PostgresQuery {
        """
        SELECT r.unit_code, d.program, d.method, \(unescaped: DisbursementStateSQL.seenState(run: "r.state")), coalesce(d.failure_reason, ''),
               d.fallback_reason IS NOT NULL, count(*), sum(d.amount_vnd)::int8
        FROM runs r JOIN disbursements d ON d.run_id = r.id WHERE r.period = \(period) AND r.unit_code = ANY(\(codes)::text[])
        GROUP BY 1, 2, 3, 4, 5, 6
        """
    }

    /// The account-information figures over the beneficiaries active in the month; the lists'
    /// own conditions (`chitra lists`), so that the numbers and the lists agree.
    static func accounts(_ codes: [String], period: Period) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: """
            SELECT unit_code, count(*), count(cccd), count(phone),
                   count(*) FILTER (WHERE account_number IS NOT NULL OR wallet_id IS NOT NULL),
                   count(*) FILTER (WHERE \(RegisterListKind.canOpenAccount.condition)),
                   count(*) FILTER (WHERE \(RegisterListKind.missingDocuments.condition)),
                   count(*) FILTER (WHERE recipient IN ('authorized', 'guardian')),
                   count(*) FILTER (WHERE \(RegisterListKind.recipientMissingDocuments.condition))
            FROM beneficiaries
            WHERE unit_code = ANY($1::text[]) AND deceased_on IS NULL AND eligible_from <= $2::date
              AND (eligible_until IS NULL OR eligible_until >= $2::date)
            GROUP BY 1
            """)
        query.binds.append(codes)
        query.binds.append(period)
        return query
    }

    static func runToFreeze(_ runID: Int64) -> PostgresQuery {
        "SELECT r.unit_code, d.name, to_char(r.period, 'YYYY-MM') FROM runs r JOIN payout_units d ON d.code = r.unit_code WHERE r.id = \(runID)"
    }

    static func freeze(_ runID: Int64, report: String) -> PostgresQuery {
        "UPDATE runs SET report = \(report)::jsonb WHERE id = \(runID) AND report IS NULL"
    }
}
