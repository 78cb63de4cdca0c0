import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The month's report to the province: each unit the caller sees (or those asked for, or those of a
/// province) and their sum; and each unit compared with the unit(s) it came from in an earlier month.
struct ReportRoutes: Sendable {
    let server: APIServer

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("reports/:period") { request, context in
            try await server.respond("GET /reports/{period}", reads: .standby) {
                let period = try Path.period(context.parameters.require("period"))
                let (units, province) = try Self.scope(request)
                let caller = try await Caller.authorize(request, .read, districts: units ?? [], server: server)
                return try JSONResponse.encode(try await MonthlyReports.make(period: period, districts: units, province: province,
                                                                             database: caller.database))
            }
        }
        api.get("reports/:period/comparison") { request, context in
            try await server.respond("GET /reports/{period}/comparison", reads: .standby) {
                let period = try Path.period(context.parameters.require("period"))
                let (units, province) = try Self.scope(request)
                guard let earlier = try QueryParameters(request: request).period("compare") else {
                    throw APIError.badRequest("Name the earlier month: ?compare=YYYY-MM.")
                }
                guard earlier < period else { throw APIError(.unprocessableContent, "compare takes a month before the report's.") }
                let caller = try await Caller.authorize(request, .read, districts: units ?? [], server: server)
                let report = try await MonthlyReports.make(period: period, districts: units, province: province, database: caller.database)
                return try JSONResponse.encode(try await MonthlyReports.compare(report, with: earlier, database: caller.database))
            }
        }
    }

    /// `?unit=` (several, by commas) and `?province=` (2 digits).
    static func scope(_ request: Request) throws -> (units: [String]?, province: String?) {
        let query = QueryParameters(request: request)
        return (try query.units(), try query.province())
    }
}
