import ChitraCore
import ChitraStore
import Hummingbird

/// The catalogue of administrative units (reference data every token may read), where an old unit's
/// people went, and a unit's classification lists (CSV).
public struct UnitRoutes: Sendable {
    let server: APIServer

    /// One lineage edge out of an old unit, with its successor's name.
    public struct Successor: Codable, Sendable {
        public var effective: String
        public var oldDistrictCode: String?
        public var oldCommuneCode: String?
        public var newCommuneCode: String
        public var newCommuneName: String
        public var kind: LineageKind

        init(_ successor: UnitCatalogueStore.Successor) {
            effective = successor.edge.effective.description
            oldDistrictCode = successor.edge.oldDistrictCode
            oldCommuneCode = successor.edge.oldCommuneCode
            newCommuneCode = successor.edge.newCommuneCode
            newCommuneName = successor.successorName
            kind = successor.edge.kind
        }

        enum CodingKeys: String, CodingKey {
            case effective, oldDistrictCode = "old_district_code", oldCommuneCode = "old_commune_code", newCommuneCode = "new_commune_code"
            case newCommuneName = "new_commune_name", kind
        }
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("units") { request, _ in
            try await server.respond("GET /units") {
                let caller = try await Caller.authorize(request, .read, server: server)
                let query = QueryParameters(request: request)
                var filter = UnitCatalogueStore.Filter()
                filter.province = try query.province()
                if let level = query.text("level") {
                    guard let value = UnitLevel(rawValue: level) else {
                        throw APIError.badRequest("level must be province, district or commune.")
                    }
                    filter.level = value
                }
                if let on = query.text("on") {
                    guard let day = Day(on) else { throw APIError.badRequest("on must be a day written YYYY-MM-DD.") }
                    filter.on = day
                }
                return try JSONResponse.encode(try await UnitCatalogueStore.list(filter, database: caller.database))
            }
        }
        api.get("units/:unit/successors") { request, context in
            try await server.respond("GET /units/{unit}/successors") {
                let code = try Path.district(context.parameters.require("unit"))
                let caller = try await Caller.authorize(request, .read, server: server)
                let edges = try await UnitCatalogueStore.successors(of: code, database: caller.database)
                guard !edges.isEmpty else { throw APIError(.notFound, "Unit \(code) has no successor in the catalogue: no reform changed it.") }
                return try JSONResponse.encode(edges.map(Successor.init))
            }
        }
        api.get("units/:unit/lists/:kind") { request, context in
            try await server.respond("GET /units/{unit}/lists/{kind}") {
                let unit = try Path.district(context.parameters.require("unit"))
                let name = try context.parameters.require("kind")
                guard let kind = RegisterListKind(rawValue: name) else {
                    throw APIError.badRequest("A list is one of \(RegisterListKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                let month = try QueryParameters(request: request).period("month") ?? VietnamTime.today().period
                let caller = try await Caller.authorize(request, .cashList, districts: [unit], server: server)
                return try await FileResponse.csv(named: "\(kind.rawValue)-\(unit)-\(month).csv") { output in
                    try await RegisterLists(database: caller.database).write(kind, district: unit, asOf: month, to: output)
                }
            }
        }
    }
}
