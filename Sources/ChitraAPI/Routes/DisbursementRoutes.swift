import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// A run's disbursements, filtered and keyset-paginated; finance's re-run of failed transfers.
struct DisbursementRoutes: Sendable {
    let server: APIServer

    struct Retried: Encodable {
        var failed: Int
        var moved: Int
        var batches: [String]
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("runs/:unit/:period/disbursements") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/disbursements") {
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
                return try JSONResponse.encode(try await DisbursementPage.read(district: district, period: period, filter, database: caller.database))
            }
        }
        api.post("runs/:unit/:period/retries") { request, context in
            try await server.respond("POST /runs/{unit}/{period}/retries") {
                let (district, period) = try Path.target(context)
                let body = try await StrictJSON.decode(FinanceScopeBody.self, from: request, fields: FinanceScopeBody.fields)
                let scope = try body.scope(district: district, period: period)
                let caller = try await Caller.authorize(request, .retryTransfers, districts: [district], server: server)
                let outcome = try await FinanceRerun.retry(scope, by: caller.identity, expecting: body.expectedCount, database: caller.database)
                return try JSONResponse.encode(Retried(failed: outcome.preview.count, moved: outcome.moved, batches: outcome.batches.map(\.messageID)))
            }
        }
    }
}
