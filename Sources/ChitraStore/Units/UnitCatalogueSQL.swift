import ChitraCore
import PostgresNIO

/// The statements on the unit catalogue (`units`, `unit_lineage`, `unit_catalogue_loads`).
enum UnitCatalogueSQL {
    static let unitColumns = """
        level, code, coalesce(to_char(valid_from, 'YYYY-MM-DD'), ''), coalesce(to_char(valid_to, 'YYYY-MM-DD'), ''), name, type,
        name_with_type, coalesce(district_code, ''), province_code
        """

    static let allUnits = PostgresQuery(unsafeSQL: "SELECT \(unitColumns) FROM units")

    /// An edge as `UnitCatalogueStore.edge` reads it (columns of `unit_lineage`, aliased `l`).
    static let edgeColumns = """
        to_char(l.effective, 'YYYY-MM-DD'), l.old_province_code, coalesce(l.old_district_code, ''), coalesce(l.old_commune_code, ''),
        l.new_province_code, l.new_commune_code, l.kind, l.note
        """

    static let allEdges = PostgresQuery(unsafeSQL: "SELECT \(edgeColumns) FROM unit_lineage l")

    /// Units matching the filters (each nil: any), by level and code.
    static func list(province: String?, level: String?, on day: String?) -> PostgresQuery {
        """
        SELECT \(unescaped: unitColumns) FROM units
        WHERE (\(province)::text IS NULL OR province_code = \(province))
          AND (\(level)::text IS NULL OR level = \(level))
          AND (\(day)::date IS NULL OR validity @> \(day)::date)
        ORDER BY province_code, CASE level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, district_code NULLS FIRST, code,
                 valid_from NULLS FIRST
        """
    }

    /// The edges out of an old district or commune (by its code), with the successor's name.
    static func successors(of code: String) -> PostgresQuery {
        """
        SELECT \(unescaped: edgeColumns), coalesce(u.name_with_type, '')
        FROM unit_lineage l
        LEFT JOIN units u ON u.level = 'commune' AND u.code = l.new_commune_code AND u.validity @> l.effective
        WHERE l.old_district_code = \(code) OR l.old_commune_code = \(code)
        ORDER BY l.effective, l.new_commune_code, l.old_commune_code
        """
    }

    struct UnitArrays {
        var levels: [String] = [], codes: [String] = [], from: [String] = [], to: [String] = [], names: [String] = []
        var types: [String] = [], withTypes: [String] = [], districts: [String] = [], provinces: [String] = []

        init(_ units: [AdministrativeUnit]) {
            for unit in units {
                levels.append(unit.level.rawValue)
                codes.append(unit.code)
                from.append(unit.validFrom?.description ?? "")
                to.append(unit.validTo?.description ?? "")
                names.append(unit.name)
                types.append(unit.type)
                withTypes.append(unit.nameWithType)
                districts.append(unit.districtCode ?? "")
                provinces.append(unit.provinceCode)
            }
        }
    }

    /// Inserts the units, or updates those already held under the same key.
    static func upsertUnits(_ units: [AdministrativeUnit]) -> PostgresQuery {
        let a = UnitArrays(units)
        return """
            INSERT INTO units AS t (level, code, valid_from, valid_to, name, type, name_with_type, district_code, province_code)
            SELECT level, code, nullif(f, '')::date, nullif(t, '')::date, name, type, with_type, nullif(district, ''), province
            FROM unnest(\(a.levels)::text[], \(a.codes)::text[], \(a.from)::text[], \(a.to)::text[], \(a.names)::text[],
                        \(a.types)::text[], \(a.withTypes)::text[], \(a.districts)::text[], \(a.provinces)::text[])
                 AS u(level, code, f, t, name, type, with_type, district, province)
            ON CONFLICT (level, code, valid_from) DO UPDATE
            SET valid_to = excluded.valid_to, name = excluded.name, type = excluded.type, name_with_type = excluded.name_with_type,
                district_code = excluded.district_code, province_code = excluded.province_code
            """
    }

    static func deleteUnits(_ units: [AdministrativeUnit]) -> PostgresQuery {
        let a = UnitArrays(units)
        return """
            DELETE FROM units t USING unnest(\(a.levels)::text[], \(a.codes)::text[], \(a.from)::text[]) AS u(level, code, f)
            WHERE t.level = u.level AND t.code = u.code AND t.valid_from IS NOT DISTINCT FROM nullif(u.f, '')::date
            """
    }

    struct EdgeArrays {
        var effective: [String] = [], oldProvinces: [String] = [], oldDistricts: [String] = [], oldCommunes: [String] = []
        var newProvinces: [String] = [], newCommunes: [String] = [], kinds: [String] = [], notes: [String] = []

        init(_ edges: [LineageEdge]) {
            for edge in edges {
                effective.append(edge.effective.description)
                oldProvinces.append(edge.oldProvinceCode)
                oldDistricts.append(edge.oldDistrictCode ?? "")
                oldCommunes.append(edge.oldCommuneCode ?? "")
                newProvinces.append(edge.newProvinceCode)
                newCommunes.append(edge.newCommuneCode)
                kinds.append(edge.kind.rawValue)
                notes.append(edge.note)
            }
        }
    }

    static func upsertEdges(_ edges: [LineageEdge]) -> PostgresQuery {
        let a = EdgeArrays(edges)
        return """
            INSERT INTO unit_lineage (effective, old_province_code, old_district_code, old_commune_code, new_province_code,
                                      new_commune_code, kind, note)
            SELECT e::date, op, nullif(od, ''), nullif(oc, ''), np, nc, kind, note
            FROM unnest(\(a.effective)::text[], \(a.oldProvinces)::text[], \(a.oldDistricts)::text[], \(a.oldCommunes)::text[],
                        \(a.newProvinces)::text[], \(a.newCommunes)::text[], \(a.kinds)::text[], \(a.notes)::text[])
                 AS u(e, op, od, oc, np, nc, kind, note)
            ON CONFLICT (effective, old_district_code, old_commune_code, new_commune_code) DO UPDATE
            SET old_province_code = excluded.old_province_code, new_province_code = excluded.new_province_code,
                kind = excluded.kind, note = excluded.note
            """
    }

    static func deleteEdges(_ edges: [LineageEdge]) -> PostgresQuery {
        let a = EdgeArrays(edges)
        return """
            DELETE FROM unit_lineage t
            USING unnest(\(a.effective)::text[], \(a.oldDistricts)::text[], \(a.oldCommunes)::text[], \(a.newCommunes)::text[])
                  AS u(e, od, oc, nc)
            WHERE t.effective = u.e::date AND t.old_district_code IS NOT DISTINCT FROM nullif(u.od, '')
              AND t.old_commune_code IS NOT DISTINCT FROM nullif(u.oc, '') AND t.new_commune_code = u.nc
            """
    }

    static func recordLoad(by actor: String, reform: Day, filesJSON: String, diff: UnitCatalogueDiff) -> PostgresQuery {
        let counts = diff.counts.map { Int32($0.count) }
        return """
            INSERT INTO unit_catalogue_loads (loaded_by, reform, files, units_added, units_changed, units_removed, edges_added,
                                              edges_changed, edges_removed)
            VALUES (\(actor), \(reform.description)::date, \(filesJSON)::jsonb, \(counts[0]), \(counts[1]), \(counts[2]), \(counts[3]),
                    \(counts[4]), \(counts[5]))
            RETURNING id
            """
    }

    static let loads: PostgresQuery = """
        SELECT id, to_char(loaded_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD HH24:MI'), loaded_by, to_char(reform, 'YYYY-MM-DD'),
               files::text, units_added, units_changed, units_removed, edges_added, edges_changed, edges_removed
        FROM unit_catalogue_loads ORDER BY id
        """
}
