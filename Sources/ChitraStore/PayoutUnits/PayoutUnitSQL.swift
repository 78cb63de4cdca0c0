import PostgresNIO

/// The statements on payout units' months and on the lineage that says who pays instead.
enum PayoutUnitSQL {
    static func units(_ codes: [String]) -> PostgresQuery {
        """
        SELECT code, level, name, coalesce(to_char(valid_from, 'YYYY-MM-DD'), ''), coalesce(to_char(valid_to, 'YYYY-MM-DD'), '')
        FROM payout_units WHERE code = ANY (\(codes)) ORDER BY code
        """
    }

    /// The communes that took over a unit abolished on `day`, and their provinces' names.
    static func successors(of code: String, on day: String) -> PostgresQuery {
        let column = code.count == 3 ? "old_district_code" : "old_commune_code"
        return """
            SELECT count(DISTINCT l.new_commune_code)::int8, coalesce(string_agg(DISTINCT p.name_with_type, ', '), '')
            FROM unit_lineage l
            LEFT JOIN units p ON p.level = 'province' AND p.code = l.new_province_code AND p.validity @> l.effective
            WHERE l.\(unescaped: column) = \(code) AND l.effective = \(day)::date
            """
    }

    /// The payout units a unit created on `day` came from: the districts of its old communes
    /// (before 2025 the district paid), or the old communes themselves after a later reform.
    static func predecessors(of code: String, on day: String) -> PostgresQuery {
        """
        SELECT DISTINCT coalesce(l.old_district_code, l.old_commune_code) AS code FROM unit_lineage l
        WHERE l.new_commune_code = \(code) AND l.effective = \(day)::date ORDER BY code
        """
    }
}
