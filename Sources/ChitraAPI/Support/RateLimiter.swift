import Foundation
import Synchronization

/// Requests per key (a token's id, an address): a bucket of `burst` requests refilled at
/// `perSecond`. A caller past it gets 429 until the bucket refills.
///
/// The table is bounded: at `maximumKeys`, the buckets that have refilled (their key idle long
/// enough to be as if new) are dropped, and if that is not enough, the least recently used half;
/// so a flood of new keys costs at most `maximumKeys` entries, never memory without end.
///
/// Time comes from `elapsed` (time since some fixed start): the continuous clock in the server, a
/// clock the test moves in tests.
public final class RateLimiter: Sendable {
    let perSecond: Double
    let burst: Double
    let maximumKeys: Int
    private let elapsed: @Sendable () -> Duration
    private let buckets = Mutex<[String: (tokens: Double, at: Duration)]>([:])

    public init(perSecond: Double, burst: Int, maximumKeys: Int = 10_000, elapsed: (@Sendable () -> Duration)? = nil) {
        self.perSecond = perSecond
        self.burst = Double(burst)
        self.maximumKeys = maximumKeys
        self.elapsed = elapsed ?? Self.continuousClock()
    }

    /// Time since now by the continuous clock.
    public static func continuousClock() -> @Sendable () -> Duration {
        let start = ContinuousClock.now
        return { ContinuousClock.now - start }
    }

    /// How many keys the table holds.
    public var count: Int { buckets.withLock { $0.count } }

    /// Takes one request from `key`'s bucket; false when it is empty.
    public func admit(_ key: String) -> Bool {
        let now = elapsed()
        return buckets.withLock { buckets in
            if buckets[key] == nil, buckets.count >= maximumKeys { prune(&buckets, now: now) }
            var bucket = buckets[key] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + Self.seconds(now - bucket.at) * perSecond)
            bucket.at = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return false
            }
            bucket.tokens -= 1
            buckets[key] = bucket
            return true
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func prune(_ buckets: inout [String: (tokens: Double, at: Duration)], now: Duration) {
        let refill = (burst - 1) / perSecond
        buckets = buckets.filter { Self.seconds(now - $0.value.at) < refill }
        guard buckets.count >= maximumKeys else { return }
        let newest = buckets.sorted { $0.value.at > $1.value.at }.prefix(maximumKeys / 2)
        buckets = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}
