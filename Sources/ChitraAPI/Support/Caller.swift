import ChitraCore
import ChitraStore
import Hummingbird

/// Who calls, from `Authorization: Bearer TOKEN`, and the database scoped to their districts.
/// Another district answers 404, a forbidden action 403, no or a dead token 401; a caller past their
/// rate 429.
extension Identity {
    /// The key of this caller's requests in the rate limiter: the token's id.
    var limiterKey: String { tokenID.map { "token \($0)" } ?? "name \(name)" }
}

struct Caller: Sendable {
    let identity: Identity
    /// The pool, scoped to the caller's districts in every transaction.
    let database: Database

    static func authorize(_ request: Request, _ action: Action, districts: [String] = [], server: APIServer) async throws -> Caller {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw AccessError.noToken }
        // The token as authentication reads it (every kind of space and line break around it gone),
        // limited by its id once known: junk tokens never get a bucket.
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespacesAndNewlines)
        let identity = try await server.tokens.identity(token, database: server.database)
        guard server.limiter.admit(identity.limiterKey) else {
            throw APIError(.tooManyRequests, "Too many requests with this token; slow down (at most \(Int(server.limiter.perSecond)) a second).")
        }
        if let refusal = AccessError(Access.decide(identity, action, districts: districts)) { throw refusal }
        let pool = Reads.current == .standby && action == .read ? server.standby?.database ?? server.database : server.database
        return Caller(identity: identity, database: pool.scoped(identity.scope))
    }
}
