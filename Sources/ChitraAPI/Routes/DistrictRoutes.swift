import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The caller's districts and their settings (the paying account masked).
struct DistrictRoutes: Sendable {
    let server: APIServer

    struct Listed: Encodable {
        var code: String
        var name: String
        var approvalRequired: Bool
        var computedThrough: String?
        var payingAccount: String?
        var cashFallbackDay: Int?
        enum CodingKeys: String, CodingKey {
            case code, name, approvalRequired = "approval_required", computedThrough = "computed_through"
            case payingAccount = "paying_account", cashFallbackDay = "cash_fallback_day"
        }
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("districts") { request, _ in
            try await server.respond("GET /districts") {
                let caller = try await Caller.authorize(request, .read, server: server)
                let districts = try await DistrictSettings.list(database: caller.database)
                return try JSONResponse.encode(districts.map {
                    Listed(code: $0.code, name: $0.name, approvalRequired: $0.approvalRequired, computedThrough: $0.computedThrough,
                           payingAccount: $0.payingAccount.map { "\($0.bank) \(CitizenID.masked($0.account)) \($0.name)" },
                           cashFallbackDay: $0.cashFallbackDay)
                })
            }
        }
    }
}
