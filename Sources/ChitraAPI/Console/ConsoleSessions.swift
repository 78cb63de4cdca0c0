import ChitraStore
import Foundation
import Synchronization

/// The console's sessions, in this process's memory: a random id in an HttpOnly, SameSite=Strict
/// cookie names the caller's token, which never leaves the server again; every request
/// authenticates the token anew, so revoking it ends its sessions. Sessions end after `idle` without
/// a request and after `lifetime` in any case. (Kept per process: behind several API processes the
/// proxy keeps a browser on one, or the person logs in again.)
public final class ConsoleSessions: Sendable {
    struct Session: Sendable {
        var token: String
        var csrf: String
        var created: Date
        var lastSeen: Date
        /// What the last action said, shown once on the next page (post, redirect, get).
        var flash: Flash?
    }

    struct Flash: Sendable {
        var text: String
        var isProblem: Bool
    }

    public let idle: TimeInterval
    public let lifetime: TimeInterval
    /// The most sessions kept; past it the least recently used go.
    public let capacity: Int
    private let sessions = Mutex<[String: Session]>([:])

    public init(idle: TimeInterval = 30 * 60, lifetime: TimeInterval = 8 * 3600, capacity: Int = 10_000) {
        self.idle = idle
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// A random value for a session id or a CSRF token: 43 letters and digits (about 250 bits).
    static func randomValue() -> String { SecretText.random(length: 43) }

    /// Opens a session for `token`; returns its id and CSRF token.
    func open(token: String, now: Date = Date()) -> (id: String, csrf: String) {
        let id = Self.randomValue()
        let csrf = Self.randomValue()
        sessions.withLock { sessions in
            sessions = sessions.filter { live($0.value, now: now) }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
                sessions[oldest] = nil
            }
            sessions[id] = Session(token: token, csrf: csrf, created: now, lastSeen: now, flash: nil)
        }
        return (id, csrf)
    }

    /// The live session of `id`, touched.
    func session(_ id: String, now: Date = Date()) -> Session? {
        sessions.withLock { sessions in
            guard var session = sessions[id] else { return nil }
            guard live(session, now: now) else {
                sessions[id] = nil
                return nil
            }
            session.lastSeen = now
            sessions[id] = session
            return session
        }
    }

    /// Keeps what an action said for the next page of the session.
    func flash(_ id: String, _ text: String, isProblem: Bool) {
        sessions.withLock { $0[id]?.flash = Flash(text: text, isProblem: isProblem) }
    }

    /// What the last action said, once.
    func takeFlash(_ id: String) -> Flash? {
        sessions.withLock { sessions in
            defer { sessions[id]?.flash = nil }
            return sessions[id]?.flash
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    private func live(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeen) < idle && now.timeIntervalSince(session.created) < lifetime
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
