import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// A run's disbursements, filtered and keyset-paginated; finance's re-run of failed transfers.
public struct DisbursementRoutes: Sendable {
    let server: APIServer

    public struct Retried: Codable, Sendable {
        public var failed: Int
        public var moved: Int
        public var batches: [String]
        /// Who is recorded as having re-run them.
        public var by: String
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("runs/:unit/:period/disbursements") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/disbursements", reads: .standby) {
                let (district, period) = try Path.target(context)
                let query = QueryParameters(request: request)
                var filter = DisbursementPage.Filter()
                if let state = query.text("state") {
                    guard let value = DisbursementState(rawValue: state) else {
                        throw APIError.badRequest("state must be one of \(DisbursementState.allCases.map(\.rawValue).joined(separator: ", ")).")
                    }
                    filter.state = value
                }
                if let method = query.text("method") {
                    guard PaymentMethod(rawValue: method) != nil else {
                        throw APIError.badRequest("method must be one of \(PaymentMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
                    }
                    filter.method = method
                }
                if let reason = query.text("reason") {
                    guard reason.count == 4, reason.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else {
                        throw APIError.badRequest("reason must be an ISO 20022 reason code such as AC01.")
                    }
                    filter.reason = reason
                }
                if let after = query.text("after") {
                    guard after.count <= 64 else { throw APIError.badRequest("after must be the next cursor of a page.") }
                    filter.after = after
                }
                filter.limit = try query.integer("limit", in: 1...DisbursementPage.largestPage, default: 100)
                let caller = try await Caller.authorize(request, .read, districts: [district], server: server)
                return JSONResponse.written(try await DisbursementPage.read(district: district, period: period, filter, database: caller.database).json)
            }
        }
        api.get("runs/:unit/:period/failed") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/failed") {
                let (district, period) = try Path.target(context)
                let query = QueryParameters(request: request)
                let body = FinanceScopeBody(batch: query.text("batch"), reason: query.text("reason"), rail: query.text("rail"))
                let scope = try body.scope(district: district, period: period)
                // `?for=retries` or `?for=cash-fallback`: the preview of that action, refused (403) to whoever may not do it.
                let action: Action
                switch query.text("for") {
                case nil: action = .read
                case "retries": action = .retryTransfers
                case "cash-fallback": action = .cashFallback
                default: throw APIError.badRequest("for must be retries or cash-fallback.")
                }
                let caller = try await Caller.authorize(request, action, districts: [district], server: server)
                return try JSONResponse.encode(try await scope.preview(database: caller.database))
            }
        }
        api.get("runs/:unit/:period/export") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/export") {
                let (district, period) = try Path.target(context)
                let format = QueryParameters(request: request).text("format") ?? "csv"
                guard format == "csv" || format == "json" else { throw APIError.badRequest("format must be csv or json.") }
                let caller = try await Caller.authorize(request, .read, districts: [district], server: server)
                return DisbursementExportBody.response(district: district, period: period, json: format == "json", database: caller.database,
                                                       logger: server.logger)
            }
        }
        api.post("runs/:unit/:period/retries") { request, context in
            try await server.respond("POST /runs/{unit}/{period}/retries") {
                let (district, period) = try Path.target(context)
                let body = try await StrictJSON.decode(FinanceScopeBody.self, from: request, fields: FinanceScopeBody.fields)
                let scope = try body.scope(district: district, period: period)
                let caller = try await Caller.authorize(request, .retryTransfers, districts: [district], server: server)
                let outcome = try await FinanceRerun.retry(scope, by: caller.identity, expecting: body.expectedCount, database: caller.database)
                return try JSONResponse.encode(Retried(failed: outcome.preview.count, moved: outcome.moved, batches: outcome.batches.map(\.messageID),
                                                       by: caller.identity.name))
            }
        }
    }
}
