import ChitraCore
import ChitraStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The post office's side: the cash list of a district's month (CSV, CCCDs masked), its
/// confirmations (all or nothing), closing the month's cash, and failed transfers sent to cash.
public struct CashRoutes: Sendable {
    let server: APIServer

    public struct Confirmed: Codable, Sendable {
        public var paid: Int
        public var returned: Int
        public var paidOutRuns: [Int64]
        public var completedRuns: [Int64]
        public var alreadyConfirmed: Bool
        public var message: String
        enum CodingKeys: String, CodingKey {
            case paid, returned, paidOutRuns = "paid_out_runs", completedRuns = "completed_runs", alreadyConfirmed = "already_confirmed", message
        }
    }

    public struct Closed: Codable, Sendable {
        public var returned: Int
        public var returnedVND: Int64
        public var paidOutRun: Int64?
        public var completedRun: Int64?
        public var message: String
        enum CodingKeys: String, CodingKey {
            case returned, returnedVND = "returned_vnd", paidOutRun = "paid_out_run", completedRun = "completed_run", message
        }
    }

    /// Failed transfers sent to the post office's list, and who decided it.
    public struct FellBack: Codable, Sendable {
        public var failed: Int
        public var moved: Int
        public var by: String
    }

    /// The cash list's header of their sum (`Chitra-Count` says how many).
    public static let totalHeader = "Chitra-Total-VND"

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("runs/:unit/:period/cash-list") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/cash-list") {
                let (district, period) = try Path.target(context)
                let commune = QueryParameters(request: request).text("commune")
                if let commune, commune.count != 5 || !commune.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    throw APIError.badRequest("commune must be a commune's five digits.")
                }
                let caller = try await Caller.authorize(request, .cashList, districts: [district], server: server)
                var total = Money.zero
                var response = try await FileResponse.csv(named: "cash-\(district)-\(period).csv") { output in
                    let written = try await CashList.write(district: district, period: period, commune: commune, database: caller.database, to: output)
                    total = written.total
                    return written.count
                }
                response.headers[HTTPField.Name(Self.totalHeader)!] = "\(total.dong)"
                return response
            }
        }
        api.post("cash/confirmations") { request, _ in
            try await server.respond("POST /cash/confirmations") {
                let caller = try await Caller.authorize(request, .confirmCash, server: server)
                let outcome = try await Upload.withFile(of: request, limit: Upload.maximumConfirmations, caller: caller.identity,
                                                        slots: server.uploads) { path in
                    try await CashConfirmation.confirm(path: path, by: caller.identity, database: caller.database)
                }
                return try JSONResponse.encode(Confirmed(paid: outcome.paid, returned: outcome.returned, paidOutRuns: outcome.paidOutRuns,
                                                         completedRuns: outcome.completedRuns,
                                                         alreadyConfirmed: outcome.alreadyConfirmedBy != nil, message: outcome.description))
            }
        }
        api.post("runs/:unit/:period/cash/close") { request, context in
            try await server.respond("POST /runs/{unit}/{period}/cash/close") {
                let (district, period) = try Path.target(context)
                _ = try await StrictJSON.decode([String: String].self, from: request, fields: [])
                let caller = try await Caller.authorize(request, .closeCash, districts: [district], server: server)
                let outcome = try await CashClosing.close(district: district, period: period, by: caller.identity, database: caller.database)
                return try JSONResponse.encode(Closed(returned: outcome.returned, returnedVND: outcome.returnedVND, paidOutRun: outcome.paidOutRun,
                                                      completedRun: outcome.completedRun,
                                                      message: outcome.description))
            }
        }
        api.post("runs/:unit/:period/cash/fallback") { request, context in
            try await server.respond("POST /runs/{unit}/{period}/cash/fallback") {
                let (district, period) = try Path.target(context)
                let body = try await StrictJSON.decode(FinanceScopeBody.self, from: request, fields: FinanceScopeBody.fields)
                let scope = try body.scope(district: district, period: period)
                let caller = try await Caller.authorize(request, .cashFallback, districts: [district], server: server)
                let outcome = try await FinanceRerun.fallBack(scope, by: caller.identity, expecting: body.expectedCount, database: caller.database)
                return try JSONResponse.encode(FellBack(failed: outcome.preview.count, moved: outcome.moved, by: caller.identity.name))
            }
        }
    }
}
