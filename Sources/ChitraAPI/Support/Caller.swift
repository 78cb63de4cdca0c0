import ChitraCore
import ChitraStore
import Hummingbird

/// Who calls, from `Authorization: Bearer TOKEN`, and the database scoped to their districts.
/// Another district answers 404, a forbidden action 403, no or a dead token 401; a caller past their
/// rate 429.
struct Caller: Sendable {
    let identity: Identity
    /// The pool, scoped to the caller's districts in every transaction.
    let database: Database

    static func authorize(_ request: Request, _ action: Action, districts: [String] = [], server: APIServer) async throws -> Caller {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw AccessError.noToken }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard server.limiter.admit(token) else {
            throw APIError(.tooManyRequests, "Too many requests with this token; slow down (at most \(Int(server.limiter.perSecond)) a second).")
        }
        let identity = try await Tokens.authenticate(token, database: server.database)
        if let refusal = AccessError(Access.decide(identity, action, districts: districts)) { throw refusal }
        return Caller(identity: identity, database: server.database.scoped(identity.scope))
    }
}
