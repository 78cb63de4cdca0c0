import ChitraCore
import ChitraStore
import Hummingbird

/// The catalogue of administrative units: reference data every token may read.
struct UnitRoutes: Sendable {
    let server: APIServer

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("units") { request, _ in
            try await server.respond("GET /units") {
                let caller = try await Caller.authorize(request, .read, server: server)
                let query = QueryParameters(request: request)
                var filter = UnitCatalogueStore.Filter()
                if let province = query.text("province") {
                    guard province.count == 2, province.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                        throw APIError.badRequest("province must be a province's code of 2 digits, such as 96.")
                    }
                    filter.province = province
                }
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
    }
}
