import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Tokens (an admin's): list, create (the secret shown in this answer only), revoke.
public struct TokenRoutes: Sendable {
    let server: APIServer

    public struct Create: Codable, Sendable {
        public var name: String
        public var role: String
        public var units: [String]?
        /// Another name for `units`.
        public var districts: [String]?
        public var province: String?
        public var expiresInDays: Int?

        public init(name: String, role: String, units: [String]?, province: String?, expiresInDays: Int?) {
            self.name = name
            self.role = role
            self.units = units
            self.province = province
            self.expiresInDays = expiresInDays
        }

        enum CodingKeys: String, CodingKey { case name, role, units, districts, province, expiresInDays = "expires_in_days" }
        static let fields: Set<String> = ["name", "role", "units", "districts", "province", "expires_in_days"]
    }

    public struct Created: Codable, Sendable {
        public var token: String
        public var record: TokenRecord
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("tokens") { request, _ in
            try await server.respond("GET /tokens") {
                let caller = try await Caller.authorize(request, .manageTokens, server: server)
                return try JSONResponse.encode(try await Tokens.list(includeRevoked: true, database: caller.database))
            }
        }
        api.post("tokens") { request, _ in
            try await server.respond("POST /tokens") {
                let body = try await StrictJSON.decode(Create.self, from: request, fields: Create.fields)
                guard let role = Role(rawValue: body.role), Role.tokenRoles.contains(role) else {
                    throw APIError.badRequest("role must be one of \(Role.tokenRoles.map(\.rawValue).joined(separator: ", ")).")
                }
                if body.units != nil, body.districts != nil {
                    throw APIError.badRequest("Name the units once: \"units\" and \"districts\" are two names for the same field.")
                }
                let districts = try (body.units ?? body.districts ?? []).map { try Path.district($0) }
                let caller = try await Caller.authorize(request, .manageTokens, server: server)
                let (secret, record) = try await Tokens.create(
                    TokenRequest(name: body.name, role: role, districts: districts, province: body.province, expiresInDays: body.expiresInDays ?? 90),
                    by: caller.identity, database: caller.database)
                return try JSONResponse.encode(Created(token: secret, record: record), status: .created)
            }
        }
        api.delete("tokens/:id") { request, context in
            try await server.respond("DELETE /tokens/{id}") {
                guard let id = Int64(try context.parameters.require("id")), id > 0 else { throw APIError.badRequest("A token id is a positive number.") }
                let caller = try await Caller.authorize(request, .manageTokens, server: server)
                let revoked = try await Tokens.revoke(id: id, by: caller.identity, database: caller.database)
                server.tokens.forget(tokenID: id)
                return try JSONResponse.encode(revoked)
            }
        }
    }
}
