import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The month's report to the province: each district the caller sees (or the one asked for) and their sum.
struct ReportRoutes: Sendable {
    let server: APIServer

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("reports/:period") { request, context in
            try await server.respond("GET /reports/{period}") {
                let period = try Path.period(context.parameters.require("period"))
                let district = try QueryParameters(request: request).district()
                let caller = try await Caller.authorize(request, .read, districts: district.map { [$0] } ?? [], server: server)
                return try JSONResponse.encode(try await MonthlyReports.make(period: period, districts: district.map { [$0] }, database: caller.database))
            }
        }
    }
}
