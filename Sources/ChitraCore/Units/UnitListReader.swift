/// Reads one official list into units or lineage edges, refusing a bad line with its number.
struct UnitListReader {
    typealias Parents = (level: UnitLevel, units: [AdministrativeUnit])

    static let codeLength: [UnitLevel: Int] = [.province: 2, .district: 3, .commune: 5]

    /// The list's units. With `sameUnitTwice`, a code listed twice with the same name and type
    /// under two provinces is kept twice, for `UnitCatalogue.resolveDuplicates` to settle; any other
    /// code listed twice is refused.
    func units(_ file: (name: String, text: String), level: UnitLevel, validFrom: Day? = nil, validTo: Day? = nil,
               parents: Parents? = nil, sameUnitTwice: Bool = false) throws(UnitCatalogueError) -> [AdministrativeUnit] {
        var required = ["code", "name", "type", "name_with_type"]
        if level != .province { required.append("province_code") }
        if level == .commune, parents?.level == .district { required.append("district_code") }
        let parentCodes = Set(parents?.units.map(\.code) ?? [])
        var seen: [String: (name: String, type: String)] = [:]
        var units: [AdministrativeUnit] = []
        for (line, row) in try rows(file, required: required) {
            let code = row["code"]!
            try check(code, is: level, file: file.name, line: line, column: "code")
            if let first = seen[code], !(sameUnitTwice && first == (row["name"]!, row["type"]!)) {
                throw .badFile(file: file.name, line: line, problem: "\(level.rawValue) \(code) is listed twice")
            }
            seen[code] = (row["name"]!, row["type"]!)
            for column in ["name", "type", "name_with_type"] where row[column]!.isEmpty {
                throw .badFile(file: file.name, line: line, problem: "\(column) is empty")
            }
            let province = level == .province ? code : row["province_code"]!
            try check(province, is: .province, file: file.name, line: line, column: "province_code")
            let district = level == .commune && parents?.level == .district ? row["district_code"]! : nil
            if let parents {
                let parent = parents.level == .district ? district! : province
                guard parentCodes.contains(parent) else {
                    throw .badFile(file: file.name, line: line,
                                   problem: "\(parents.level.rawValue) \(parent) of \(level.rawValue) \(code) is not in the list of \(parents.level.rawValue)s")
                }
            }
            units.append(AdministrativeUnit(level: level, code: code, name: row["name"]!, type: row["type"]!,
                                            nameWithType: row["name_with_type"]!, districtCode: district, provinceCode: province,
                                            validFrom: validFrom, validTo: validTo))
        }
        guard !units.isEmpty else { throw .badFile(file: file.name, line: 0, problem: "it lists no \(level.rawValue)") }
        return units
    }

    func lineage(_ file: (name: String, text: String), reform: Day, oldCommunes: [AdministrativeUnit], districts: [AdministrativeUnit],
                 newCommunes: [AdministrativeUnit]) throws(UnitCatalogueError) -> [LineageEdge] {
        let old = Dictionary(oldCommunes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let districtCodes = Set(districts.map(\.code))
        let new = Dictionary(newCommunes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<LineageEdge.Key>()
        var edges: [LineageEdge] = []
        let required = ["old_province_code", "old_district_code", "old_commune_code", "new_province_code", "new_commune_code", "kind", "note"]
        for (line, row) in try rows(file, required: required) {
            guard let kind = LineageKind(rawValue: row["kind"]!) else {
                throw .badFile(file: file.name, line: line, problem: "kind '\(row["kind"]!)' is none of "
                               + LineageKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let oldCommune = row["old_commune_code"]!.isEmpty ? nil : row["old_commune_code"]!
            let oldDistrict = row["old_district_code"]!.isEmpty ? nil : row["old_district_code"]!
            if let oldCommune {
                guard let unit = old[oldCommune] else {
                    throw .badFile(file: file.name, line: line, problem: "old commune \(oldCommune) is not in the list before the reform")
                }
                guard oldDistrict == nil || oldDistrict == unit.districtCode else {
                    throw .badFile(file: file.name, line: line,
                                   problem: "old commune \(oldCommune) belonged to district \(unit.districtCode ?? "-"), not \(oldDistrict!)")
                }
            } else {
                guard let oldDistrict, districtCodes.contains(oldDistrict) else {
                    throw .badFile(file: file.name, line: line, problem: "an edge names neither an old commune nor a known old district")
                }
            }
            let newCode = row["new_commune_code"]!
            guard let successor = new[newCode] else {
                throw .badFile(file: file.name, line: line, problem: "new commune \(newCode) is not in the list from \(reform)")
            }
            guard successor.provinceCode == row["new_province_code"]! else {
                throw .badFile(file: file.name, line: line,
                               problem: "new commune \(newCode) belongs to province \(successor.provinceCode), not \(row["new_province_code"]!)")
            }
            let edge = LineageEdge(effective: reform, oldProvinceCode: row["old_province_code"]!,
                                   oldDistrictCode: oldDistrict ?? oldCommune.flatMap { old[$0]?.districtCode },
                                   oldCommuneCode: oldCommune, newProvinceCode: successor.provinceCode, newCommuneCode: newCode,
                                   kind: kind, note: row["note"]!)
            guard seen.insert(edge.key).inserted else {
                throw .badFile(file: file.name, line: line, problem: "the edge \(edge.key) is listed twice")
            }
            edges.append(edge)
        }
        return edges
    }

    private func check(_ code: String, is level: UnitLevel, file: String, line: Int, column: String) throws(UnitCatalogueError) {
        let length = Self.codeLength[level]!
        guard code.utf8.count == length, code.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw .badFile(file: file, line: line, problem: "\(column) '\(code)' is not a \(level.rawValue) code (\(length) digits)")
        }
    }

    private func rows(_ file: (name: String, text: String), required: [String]) throws(UnitCatalogueError)
        -> [(line: Int, values: [String: String])] {
        do {
            return try CSVRows.read(file.text, required: required)
        } catch {
            throw .badFile(file: file.name, line: error.line, problem: error.problem)
        }
    }
}
