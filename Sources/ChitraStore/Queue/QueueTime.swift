import Foundation

/// The time the queue's statements count leases, delays and retention from. In production the
/// database's clock (`now()`): one clock for every machine, so that a lease taken on one host is
/// judged expired by the rescuer of another by the same clock. A test gives a time it moves
/// (`given`), and the lease, heartbeat and retention tests advance it instead of sleeping.
public struct QueueTime: Sendable {
    private let read: @Sendable () -> Date?

    private init(_ read: @escaping @Sendable () -> Date?) {
        self.read = read
    }

    /// The database's `now()`.
    public static let database = QueueTime { nil }

    /// The time `now` says, each statement asking it afresh.
    public static func given(_ now: @escaping @Sendable () -> Date) -> QueueTime { QueueTime { now() } }

    /// What a statement binds: nil for the database's own clock.
    var now: Date? { read() }
}
