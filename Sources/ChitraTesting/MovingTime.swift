import ChitraStore
import Foundation
import Synchronization

/// A wall-clock time that moves only when a test moves it (`advance(by:)`), for the queue's
/// statements (`DatabaseTime.given`): leases expire and delays pass without the test sleeping.
public final class MovingTime: Sendable {
    private let current: Mutex<Date>

    /// Starts at `start` (by default now: the rows the database dates itself stay comparable).
    public init(start: Date = Date()) {
        current = Mutex(start)
    }

    public var now: Date { current.withLock { $0 } }

    public func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        current.withLock { $0 = $0.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18) }
    }

    /// The queue's time, read from this.
    public var databaseTime: DatabaseTime { DatabaseTime.given { [self] in now } }
}
