import Foundation
import Synchronization

/// Requests per key (a token's id, an address): a bucket of `burst` requests refilled at
/// `perSecond`. A caller past it gets 429 until the bucket refills.
///
/// The table is bounded: at `maximumKeys`, the buckets that have refilled (their key idle long
/// enough to be as if new) are dropped, and if that is not enough, the least recently used half;
/// so a flood of new keys costs at most `maximumKeys` entries, never memory without end.
public final class RateLimiter: Sendable {
    let perSecond: Double
    let burst: Double
    let maximumKeys: Int
    private let buckets = Mutex<[String: (tokens: Double, at: ContinuousClock.Instant)]>([:])

    public init(perSecond: Double, burst: Int, maximumKeys: Int = 10_000) {
        self.perSecond = perSecond
        self.burst = Double(burst)
        self.maximumKeys = maximumKeys
    }

    /// How many keys the table holds.
    public var count: Int { buckets.withLock { $0.count } }

    /// Takes one request from `key`'s bucket; false when it is empty.
    public func admit(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        buckets.withLock { buckets in
            if buckets[key] == nil, buckets.count >= maximumKeys { prune(&buckets, now: now) }
            var bucket = buckets[key] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + seconds(from: bucket.at, to: now) * perSecond)
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

    private func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        let elapsed = (end - start).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
    }

    private func prune(_ buckets: inout [String: (tokens: Double, at: ContinuousClock.Instant)], now: ContinuousClock.Instant) {
        let refill = (burst - 1) / perSecond
        buckets = buckets.filter { seconds(from: $0.value.at, to: now) < refill }
        guard buckets.count >= maximumKeys else { return }
        let newest = buckets.sorted { $0.value.at > $1.value.at }.prefix(maximumKeys / 2)
        buckets = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}
