import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The caller's payout units and their settings (the paying account masked); an admin changes a
/// unit's approval, paying account and cash fallback day, each audited with the change.
public struct DistrictRoutes: Sendable {
    let server: APIServer

    public struct Listed: Codable, Sendable {
        public var code: String
        public var name: String
        /// The first month the unit pays (nil: since before the catalogue) and the last (nil: still).
        public var firstMonth: String?
        public var lastMonth: String?
        public var approvalRequired: Bool
        public var computedThrough: String?
        public var payingAccount: String?
        public var cashFallbackDay: Int?
        enum CodingKeys: String, CodingKey {
            case code, name, firstMonth = "first_month", lastMonth = "last_month", approvalRequired = "approval_required"
            case computedThrough = "computed_through", payingAccount = "paying_account", cashFallbackDay = "cash_fallback_day"
        }
    }

    public struct ApprovalBody: Codable, Sendable {
        public var required: Bool
        public init(required: Bool) { self.required = required }
        static let fields: Set<String> = ["required"]
    }

    public struct FallbackDayBody: Codable, Sendable {
        /// 1 to 28; absent or null: off (only finance sends failed transfers to cash).
        public var day: Int?
        public init(day: Int?) { self.day = day }
        static let fields: Set<String> = ["day"]
    }

    public struct DebitGraceBody: Codable, Sendable {
        /// 1 to 30 banking days.
        public var days: Int
        public init(days: Int) { self.days = days }
        static let fields: Set<String> = ["days"]
    }

    static let accountFields: Set<String> = ["name", "account", "bank"]

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("districts") { request, _ in
            try await server.respond("GET /districts") {
                let caller = try await Caller.authorize(request, .read, server: server)
                let districts = try await DistrictSettings.list(database: caller.database)
                return try JSONResponse.encode(districts.map {
                    Listed(code: $0.code, name: $0.name, firstMonth: $0.firstMonth, lastMonth: $0.lastMonth, approvalRequired: $0.approvalRequired,
                           computedThrough: $0.computedThrough, payingAccount: $0.payingAccount?.masked, cashFallbackDay: $0.cashFallbackDay)
                })
            }
        }
        setting(api, "approval", fields: ApprovalBody.fields) { (body: ApprovalBody, unit, caller) in
            try await DistrictSettings.setApprovalRequired(body.required, district: unit, by: caller.identity, database: caller.database)
            return body
        }
        setting(api, "paying-account", fields: Self.accountFields) { (account: DistrictSettings.PayingAccount, unit, caller) in
            try await DistrictSettings.setPayingAccount(account, district: unit, by: caller.identity, database: caller.database)
            return ["paying_account": account.masked]
        }
        setting(api, "debit-grace-days", fields: DebitGraceBody.fields) { (body: DebitGraceBody, unit, caller) in
            try await DistrictSettings.setDebitGraceDays(body.days, district: unit, by: caller.identity, database: caller.database)
            return body
        }
        setting(api, "cash-fallback-day", fields: FallbackDayBody.fields) { (body: FallbackDayBody, unit, caller) in
            try await DistrictSettings.setCashFallbackDay(body.day, district: unit, by: caller.identity, database: caller.database)
            return body
        }
    }

    /// `PUT /units/{unit}/NAME`: an admin's change of one setting of a unit, its body checked field by field.
    private func setting<Body: Decodable, Answer: Encodable>(_ api: RouterGroup<APIRequestContext>, _ name: String, fields: Set<String>,
                                                            _ apply: @escaping @Sendable (Body, String, Caller) async throws -> Answer) {
        api.put(RouterPath("units/:unit/" + name)) { request, context in
            try await server.respond("PUT /units/{unit}/" + name) {
                let unit = try Path.district(context.parameters.require("unit"))
                let body = try await StrictJSON.decode(Body.self, from: request, fields: fields)
                let caller = try await Caller.authorize(request, .changeSettings, districts: [unit], server: server)
                return try JSONResponse.encode(try await apply(body, unit, caller))
            }
        }
    }
}
