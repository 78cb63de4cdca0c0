/// Every administrative unit on both sides of a reform, and the lineage between them, as the
/// official lists give them (see `Resources/Units/README.md` in ChitraStore): the lists before the
/// reform (`provinces-before-YYYY.csv`, `districts-before-YYYY.csv`, `communes-before-YYYY.csv`,
/// valid until the reform's day), the lists from it (`provinces-YYYY.csv`, `communes-YYYY.csv`)
/// and `lineage-YYYY-MM-DD.csv`, whose name gives the reform's day.
public struct UnitCatalogue: Sendable, Hashable {
    public var reform: Day
    public var units: [AdministrativeUnit]
    public var lineage: [LineageEdge]
    /// What the lists got wrong and how it was settled, one sentence each (printed by every load).
    public var warnings: [String]

    public init(reform: Day, units: [AdministrativeUnit], lineage: [LineageEdge], warnings: [String] = []) {
        self.reform = reform
        self.units = units
        self.lineage = lineage
        self.warnings = warnings
    }

    /// The files a catalogue folder must hold, for a reform on `day`.
    public static func fileNames(reform day: Day) -> [String] {
        let year = day.period.year
        return ["provinces-before-\(year).csv", "districts-before-\(year).csv", "communes-before-\(year).csv",
                "provinces-\(year).csv", "communes-\(year).csv", "lineage-\(day).csv"]
    }

    /// The reform's day named by the folder's lineage file (`lineage-2025-07-01.csv`).
    public static func reformDay(fileNames: [String], folder: String) throws(UnitCatalogueError) -> Day {
        let days = fileNames.compactMap { name -> Day? in
            guard name.hasPrefix("lineage-"), name.hasSuffix(".csv") else { return nil }
            return Day(name.dropFirst("lineage-".count).dropLast(4))
        }
        guard days.count == 1, let day = days.first else {
            throw .missingFile(days.isEmpty ? "lineage-YYYY-MM-DD.csv" : "single lineage file", folder: folder)
        }
        return day
    }

    /// Parses the six lists (name → UTF-8 text), checking codes, parents and every edge's ends.
    public static func parse(files: [String: String], folder: String) throws(UnitCatalogueError) -> UnitCatalogue {
        let reform = try reformDay(fileNames: Array(files.keys), folder: folder)
        let names = fileNames(reform: reform)
        func text(_ index: Int) throws(UnitCatalogueError) -> (String, String) {
            guard let text = files[names[index]] else { throw .missingFile(names[index], folder: folder) }
            return (names[index], text)
        }
        let reader = UnitListReader()
        let oldProvinces = try reader.units(text(0), level: .province, validTo: reform)
        let listed = try reader.units(text(1), level: .district, validTo: reform, parents: (.province, oldProvinces), sameUnitTwice: true)
        let oldCommunes = try reader.units(text(2), level: .commune, validTo: reform, parents: (.district, listed))
        let (districts, warnings) = resolveDuplicates(listed, communes: oldCommunes, file: names[1])
        let newProvinces = try reader.units(text(3), level: .province, validFrom: reform)
        let newCommunes = try reader.units(text(4), level: .commune, validFrom: reform, parents: (.province, newProvinces))
        let lineage = try reader.lineage(text(5), reform: reform, oldCommunes: oldCommunes, districts: districts,
                                         newCommunes: newCommunes)
        return UnitCatalogue(reform: reform, units: oldProvinces + districts + oldCommunes + newProvinces + newCommunes,
                             lineage: lineage, warnings: warnings)
    }

    /// A district listed twice, same name and type, under two provinces (the 2024 lists have two:
    /// Tân An 794 under Long An and Tiền Giang, Hà Tiên 900 under Kiên Giang and An Giang): one
    /// unit, in the province of most of its communes (the first listed on a tie), said in a warning.
    static func resolveDuplicates(_ districts: [AdministrativeUnit], communes: [AdministrativeUnit], file: String)
        -> (units: [AdministrativeUnit], warnings: [String]) {
        var byCode: [String: [AdministrativeUnit]] = [:]
        for district in districts { byCode[district.code, default: []].append(district) }
        var kept: [AdministrativeUnit] = [], warnings: [String] = [], done = Set<String>()
        for district in districts where done.insert(district.code).inserted {
            let listed = byCode[district.code]!
            guard listed.count > 1 else { kept.append(district); continue }
            let own = communes.filter { $0.districtCode == district.code }
            let votes = listed.map { candidate in own.filter { $0.provinceCode == candidate.provinceCode }.count }
            let chosen = listed[votes.firstIndex(of: votes.max()!)!]
            kept.append(chosen)
            warnings.append("\(file) lists district \(district.code) \(district.nameWithType) under provinces "
                            + listed.map(\.provinceCode).joined(separator: " and ")
                            + ": kept \(chosen.provinceCode), the province of \(votes.max()!) of its \(own.count) communes")
        }
        return (kept, warnings)
    }

    public func count(_ level: UnitLevel, before: Bool) -> Int {
        units.filter { $0.level == level && ($0.validTo != nil) == before }.count
    }
}
