import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The audit log of the caller's districts (and, for an admin or auditor, of tokens), newest first.
struct AuditRoutes: Sendable {
    let server: APIServer

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("audit") { request, _ in
            try await server.respond("GET /audit") {
                let query = QueryParameters(request: request)
                let district = try query.district()
                var since: Date?
                if let text = query.text("since") {
                    guard let day = Day(text) else { throw APIError.badRequest("since must be written YYYY-MM-DD.") }
                    since = VietnamTime.startOfDay(day)
                }
                let limit = try query.integer("limit", in: 1...1_000, default: 200)
                let caller = try await Caller.authorize(request, .read, districts: district.map { [$0] } ?? [], server: server)
                return try JSONResponse.encode(try await AuditLog.list(district: district, since: since, limit: limit, database: caller.database))
            }
        }
    }
}
