import ChitraCore
import ChitraStore
import Synchronization

/// Tokens the API verified in the last few seconds, so that a request reads its token once in a
/// while instead of before every statement it sends (issue 29: the cheapest authenticated read
/// cost a round trip of its own). Only what the database accepted is kept, never a refusal, and
/// never longer than `lifetime`: a revoked or expired token is refused by the API within that
/// bound, and by the database at once — every statement verifies the credential again before it
/// shows a row, so a revoked token reads nothing even while the API still knows it.
final class TokenCache: Sendable {
    /// How long a verified token is believed without asking the database again.
    static let lifetime: Duration = .seconds(5)
    /// Tokens kept at most; past it the expired ones go, then all.
    static let capacity = 10_000

    let lifetime: Duration
    private let elapsed: @Sendable () -> Duration
    private let entries = Mutex<[String: (identity: Identity, until: Duration)]>([:])

    init(lifetime: Duration = TokenCache.lifetime, elapsed: @escaping @Sendable () -> Duration) {
        self.lifetime = lifetime
        self.elapsed = elapsed
    }

    /// The token's identity: from the last few seconds' verification, or verified now.
    func identity(_ token: String, database: Database) async throws -> Identity {
        let now = elapsed()
        if let known = entries.withLock({ $0[token] }), now < known.until { return known.identity }
        let identity = try await Tokens.authenticate(token, database: database)
        entries.withLock { entries in
            if entries.count >= Self.capacity {
                entries = entries.filter { now < $0.value.until }
                if entries.count >= Self.capacity { entries.removeAll() }
            }
            entries[token] = (identity, now + lifetime)
        }
        return identity
    }

    /// Forgets a token revoked through this process at once.
    func forget(tokenID: Int64) {
        entries.withLock { entries in entries = entries.filter { $0.value.identity.tokenID != tokenID } }
    }
}
