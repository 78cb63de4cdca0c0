/// How long to wait before the next attempt of something that failed for a reason that may pass:
/// exponential backoff with full jitter in a band, capped.
///
/// `delay(afterAttempt: n)` for the n-th failed attempt (1-based) is
/// `min(cap, base × 2^(n-1))`, then scaled by a random factor in `1 - jitter ... 1`
/// so that many jobs failing together do not come back together.
public struct RetryPolicy: Sendable, Hashable {
    /// First delay. One second: a transient database or network hiccup has usually passed by then.
    public static let defaultBase: Duration = .seconds(1)
    /// Longest delay. One hour: a job that keeps failing is still retried several times a day.
    public static let defaultCap: Duration = .seconds(3600)
    /// Jitter band: up to 25 % shorter, so retries of a batch spread out.
    public static let defaultJitter: Double = 0.25

    public var base: Duration
    public var cap: Duration
    public var jitter: Double
    /// Where the jitter is drawn from (the system's generator unless a test gives another).
    public var random: RandomSource

    public init(base: Duration = defaultBase, cap: Duration = defaultCap, jitter: Double = defaultJitter,
                random: RandomSource = .system) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
        self.random = random
    }

    /// The delay before the attempt after failed attempt `attempt` (1-based), without jitter.
    public func nominalDelay(afterAttempt attempt: Int) -> Duration {
        let exponent = max(0, min(attempt - 1, 40))
        let baseMilliseconds = base.wholeMilliseconds
        let capMilliseconds = cap.wholeMilliseconds
        // Saturate instead of overflowing: 2^40 seconds is far past any cap.
        let (scaled, overflow) = baseMilliseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        let milliseconds = overflow ? capMilliseconds : min(scaled, capMilliseconds)
        return .milliseconds(milliseconds)
    }

    /// The delay with jitter drawn from `generator`.
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        jittered(nominalDelay(afterAttempt: attempt), using: &generator)
    }

    /// A nominal delay (e.g. the one a state machine decided) with this policy's jitter.
    public func jittered(_ delay: Duration, using generator: inout some RandomNumberGenerator) -> Duration {
        let nominal = delay.wholeMilliseconds
        guard jitter > 0, nominal > 0 else { return .milliseconds(nominal) }
        let factor = Double.random(in: (1 - jitter)...1, using: &generator)
        return .milliseconds(Int64((Double(nominal) * factor).rounded()))
    }

    /// The delay with jitter drawn from this policy's `random`.
    public func delay(afterAttempt attempt: Int) -> Duration {
        jittered(nominalDelay(afterAttempt: attempt))
    }

    /// A nominal delay with jitter drawn from this policy's `random`.
    public func jittered(_ delay: Duration) -> Duration {
        let nominal = delay.wholeMilliseconds
        guard jitter > 0, nominal > 0 else { return .milliseconds(nominal) }
        return .milliseconds(Int64((Double(nominal) * random.number(in: (1 - jitter)...1)).rounded()))
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
