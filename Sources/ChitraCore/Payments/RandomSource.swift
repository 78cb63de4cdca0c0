import Synchronization

/// Where a policy draws its randomness (the retries' jitter): the system's generator in production,
/// a seeded one in a test that must know what it draws. Shared, so behind a lock.
public final class RandomSource: Sendable, Hashable {
    private let generator: Mutex<any RandomNumberGenerator & Sendable>

    public init(_ generator: some RandomNumberGenerator & Sendable) {
        self.generator = Mutex(generator)
    }

    /// The operating system's generator.
    public static let system = RandomSource(SystemRandomNumberGenerator())

    /// A number drawn uniformly from `range`.
    public func number(in range: ClosedRange<Double>) -> Double {
        generator.withLock { generator in
            var drawn = AnyGenerator(generator)
            defer { generator = drawn.base }
            return Double.random(in: range, using: &drawn)
        }
    }

    public static func == (lhs: RandomSource, rhs: RandomSource) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// An existential generator as a concrete one, for `random(in:using:)`.
    private struct AnyGenerator: RandomNumberGenerator {
        var base: any RandomNumberGenerator & Sendable
        init(_ base: any RandomNumberGenerator & Sendable) { self.base = base }
        mutating func next() -> UInt64 { base.next() }
    }
}
