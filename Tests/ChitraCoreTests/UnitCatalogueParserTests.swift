import ChitraCore
import Testing

/// The official unit lists as `UnitCatalogue.parse` reads them: six small lists, then each kind of
/// mistake a list can hold, refused with its file and line.
@Suite("Unit lists")
struct UnitCatalogueParserTests {
    static let files: [String: String] = [
        "provinces-before-2025.csv": "code,name,type,name_with_type\n95,Bạc Liêu,province,Tỉnh Bạc Liêu\n96,Cà Mau,province,Tỉnh Cà Mau\n",
        "districts-before-2025.csv": "code,name,type,name_with_type,province_code\n954,Bạc Liêu,city,Thành phố Bạc Liêu,95\n",
        "communes-before-2025.csv": "code,name,type,name_with_type,district_code,province_code\n31825,Phường 1,ward,Phường 1,954,95\n31826,Phường 2,ward,Phường 2,954,95\n",
        "provinces-2025.csv": "code,name,type,name_with_type\n96,Cà Mau,province,Tỉnh Cà Mau\n",
        "communes-2025.csv": "code,name,type,name_with_type,province_code\n31825,Bạc Liêu,ward,Phường Bạc Liêu,96\n31830,Vĩnh Trạch,ward,Phường Vĩnh Trạch,96\n",
        "lineage-2025-07-01.csv": """
            old_province_code,old_district_code,old_commune_code,new_province_code,new_commune_code,kind,note
            95,954,31825,96,31825,province_changed,Nhập toàn bộ
            95,954,31826,96,31825,ambiguous,Nhập một phần
            95,954,31826,96,31830,ambiguous,Nhập một phần

            """,
    ]

    static func parse(_ changes: [String: String] = [:]) throws(UnitCatalogueError) -> UnitCatalogue {
        try UnitCatalogue.parse(files: files.merging(changes) { $1 }, folder: "lists")
    }

    @Test("the lists make units with their validity around the reform's day, and the lineage between them")
    func parses() throws {
        let catalogue = try Self.parse()
        #expect(catalogue.reform == Day("2025-07-01"))
        #expect(catalogue.units.count == 8 && catalogue.lineage.count == 3 && catalogue.warnings.isEmpty)
        let old = catalogue.units.first { $0.code == "31825" && $0.validTo != nil }!
        let new = catalogue.units.first { $0.code == "31825" && $0.validFrom != nil }!
        #expect(old.districtCode == "954" && old.parentCode == "954" && old.isValid(in: Period("2025-06")!) && !old.isValid(in: Period("2025-07")!))
        #expect(new.parentCode == "96" && new.isValid(in: Period("2025-07")!) && !new.isValid(on: Day("2025-06-30")!))
        #expect(catalogue.lineage.filter { $0.kind == .ambiguous }.map(\.newCommuneCode) == ["31825", "31830"])
    }

    @Test("each mistake is refused with its file, line and one sentence", arguments: [
        (["communes-2025.csv": "code,name,type,name_with_type,province_code\n3182,X,ward,Phường X,96\n"],
         "communes-2025.csv, line 2: code '3182' is not a commune code (5 digits)."),
        (["communes-2025.csv": "code,name,type,name_with_type,province_code\n31825,X,ward,Phường X,96\n31825,Y,ward,Phường Y,96\n"],
         "communes-2025.csv, line 3: commune 31825 is listed twice."),
        (["communes-before-2025.csv": "code,name,type,name_with_type,district_code,province_code\n31825,P,ward,Phường P,955,95\n"],
         "communes-before-2025.csv, line 2: district 955 of commune 31825 is not in the list of districts."),
        (["provinces-2025.csv": "code,name,type\n96,Cà Mau,province\n"], "provinces-2025.csv, line 1: column name_with_type is missing."),
        (["lineage-2025-07-01.csv": "old_province_code,old_district_code,old_commune_code,new_province_code,new_commune_code,kind,note\n95,954,31825,96,31825,guessed,x\n"],
         "lineage-2025-07-01.csv, line 2: kind 'guessed' is none of unchanged, renamed, merged, province_changed, split_population, ambiguous."),
        (["lineage-2025-07-01.csv": "old_province_code,old_district_code,old_commune_code,new_province_code,new_commune_code,kind,note\n95,954,31825,96,39999,merged,x\n"],
         "lineage-2025-07-01.csv, line 2: new commune 39999 is not in the list from 2025-07-01."),
        (["communes-2025.csv": "code,name,type,name_with_type,province_code\n31825,,ward,Phường,96\n"], "communes-2025.csv, line 2: name is empty."),
    ])
    func refused(changes: [String: String], sentence: String) {
        #expect(throws: (any Error).self) { try Self.parse(changes) }
        do {
            _ = try Self.parse(changes)
        } catch {
            #expect("\(error)" == sentence)
        }
    }

    @Test("a district listed twice under two provinces is one unit, in the province of most of its communes, and said")
    func duplicateDistrict() throws {
        let catalogue = try Self.parse([
            "districts-before-2025.csv": "code,name,type,name_with_type,province_code\n954,Bạc Liêu,city,Thành phố Bạc Liêu,96\n954,Bạc Liêu,city,Thành phố Bạc Liêu,95\n",
        ])
        #expect(catalogue.units.filter { $0.level == .district }.map(\.provinceCode) == ["95"])
        #expect(catalogue.warnings == ["districts-before-2025.csv lists district 954 Thành phố Bạc Liêu under provinces 96 and 95: kept 95, the province of 2 of its 2 communes"])
    }

    @Test("the diff of a catalogue against itself is empty; a renamed commune is one change")
    func diff() throws {
        let catalogue = try Self.parse()
        let held = UnitCatalogue.Contents(units: catalogue.units, lineage: catalogue.lineage)
        #expect(UnitCatalogueDiff(held: held, loading: catalogue).isEmpty)
        let renamed = try Self.parse(["communes-2025.csv": "code,name,type,name_with_type,province_code\n31825,Bạc Liêu 2,ward,Phường Bạc Liêu 2,96\n31830,Vĩnh Trạch,ward,Phường Vĩnh Trạch,96\n"])
        let diff = UnitCatalogueDiff(held: held, loading: renamed)
        #expect(diff.units.changed.count == 1 && diff.units.added.isEmpty && diff.units.removed.isEmpty && diff.edges.added.isEmpty)
    }
}
