import Foundation

/// The time the store's statements count from: the queue's leases, delays and retention, the
/// rails' retries and inquiries. In production the database's clock (`now()`): one clock for every
/// machine, so that a lease taken on one host is judged expired by the rescuer of another, and a
/// retry falls due, by the same clock. A test gives a time it moves (`given`): the lease,
/// heartbeat, retention, retry and inquiry tests advance it instead of sleeping.
public struct DatabaseTime: Sendable {
    private let read: @Sendable () -> Date?

    private init(_ read: @escaping @Sendable () -> Date?) {
        self.read = read
    }

    /// The database's `now()`.
    public static let database = DatabaseTime { nil }

    /// The time `now` says, each statement asking it afresh.
    public static func given(_ now: @escaping @Sendable () -> Date) -> DatabaseTime { DatabaseTime { now() } }

    /// What a statement binds: nil for the database's own clock.
    var now: Date? { read() }
}
