import ChitraCore
import PostgresNIO

extension UnitCatalogueStore {
    /// Which units to list; nil: any.
    public struct Filter: Sendable, Hashable {
        public var province: String?
        public var level: UnitLevel?
        public var on: Day?

        public init(province: String? = nil, level: UnitLevel? = nil, on: Day? = nil) {
            self.province = province
            self.level = level
            self.on = on
        }
    }

    /// The units matching `filter`, by province, level and code.
    public static func list(_ filter: Filter, database: Database) async throws -> [AdministrativeUnit] {
        var units: [AdministrativeUnit] = []
        let rows = try await database.query(UnitCatalogueSQL.list(province: filter.province, level: filter.level?.rawValue,
                                                                  on: filter.on?.description), "list the units")
        for try await row in rows.decode((String, String, String, String, String, String, String, String, String).self) {
            units.append(try unit(row))
        }
        return units
    }

    /// A lineage edge out of an old unit, with its successor's name.
    public struct Successor: Sendable, Hashable {
        public var edge: LineageEdge
        public var successorName: String
    }

    /// The edges out of an old district or commune (`code`), by day and successor.
    public static func successors(of code: String, database: Database) async throws -> [Successor] {
        var result: [Successor] = []
        let rows = try await database.query(UnitCatalogueSQL.successors(of: code), "read the successors of unit \(code)")
        for try await (effective, oldProvince, oldDistrict, oldCommune, newProvince, newCommune, kind, note, name) in rows.decode(
            (String, String, String, String, String, String, String, String, String).self) {
            let edge = try edge((effective, oldProvince, oldDistrict, oldCommune, newProvince, newCommune, kind, note))
            result.append(Successor(edge: edge, successorName: name))
        }
        return result
    }

    /// One load of official lists, as recorded.
    public struct Load: Sendable, Hashable {
        public var id: Int64
        public var loadedAt: String
        public var loadedBy: String
        public var reform: String
        public var filesJSON: String
        public var counts: [Int32]
    }

    public static func loads(database: Database) async throws -> [Load] {
        var result: [Load] = []
        for try await (id, at, by, reform, files, ua, uc, ur, ea, ec, er) in try await database.query(UnitCatalogueSQL.loads, "read the unit list loads")
            .decode((Int64, String, String, String, String, Int32, Int32, Int32, Int32, Int32, Int32).self) {
            result.append(Load(id: id, loadedAt: at, loadedBy: by, reform: reform, filesJSON: files, counts: [ua, uc, ur, ea, ec, er]))
        }
        return result
    }
}
