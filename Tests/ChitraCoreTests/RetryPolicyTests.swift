import ChitraCore
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("the nominal delay doubles from the base and stops at the cap", arguments: [
        (1, 1_000), (2, 2_000), (3, 4_000), (4, 8_000), (10, 512_000), (12, 2_048_000), (13, 3_600_000), (60, 3_600_000),
    ])
    func nominal(attempt: Int, milliseconds: Int64) {
        #expect(RetryPolicy().nominalDelay(afterAttempt: attempt) == .milliseconds(milliseconds))
    }

    @Test("jitter only shortens, by at most its band")
    func jitter() {
        var generator = SeededGenerator(seed: 42)
        let policy = RetryPolicy(base: .seconds(10), cap: .seconds(100), jitter: 0.25)
        var seen = Set<Int64>()
        for _ in 0..<200 {
            let delay = policy.delay(afterAttempt: 2, using: &generator).wholeMilliseconds
            #expect(delay >= 15_000 && delay <= 20_000)
            seen.insert(delay)
        }
        #expect(seen.count > 50, "jitter spreads retries out")
    }

    @Test("a delay a state machine decided gets the same jitter: within its band, as the attempt's own delay draws it")
    func jitteredDecision() {
        let policy = RetryPolicy(base: .seconds(10), cap: .seconds(100), jitter: 0.25)
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
        for attempt in 1...5 {
            let decided = policy.nominalDelay(afterAttempt: attempt)
            let jittered = policy.jittered(decided, using: &a)
            #expect(jittered == policy.delay(afterAttempt: attempt, using: &b))
            #expect(jittered <= decided && jittered.wholeMilliseconds >= decided.wholeMilliseconds * 3 / 4)
        }
        var c = SeededGenerator(seed: 7)
        #expect(RetryPolicy(jitter: 0).jittered(.seconds(3), using: &c) == .seconds(3))
    }

    @Test("a policy given a random source draws its jitter there: two sources of one seed give the same delays, as a generator of that seed does")
    func injectedRandomness() {
        let a = RetryPolicy(base: .seconds(10), cap: .seconds(100), jitter: 0.25, random: RandomSource(SeededGenerator(seed: 9)))
        let b = RetryPolicy(base: .seconds(10), cap: .seconds(100), jitter: 0.25, random: RandomSource(SeededGenerator(seed: 9)))
        var generator = SeededGenerator(seed: 9)
        for attempt in 1...6 {
            let drawn = a.delay(afterAttempt: attempt)
            #expect(drawn == b.jittered(b.nominalDelay(afterAttempt: attempt)))
            #expect(drawn == a.delay(afterAttempt: attempt, using: &generator))
        }
    }

    @Test("no jitter gives the nominal delay; attempt 0 or less counts as the first")
    func edges() {
        let policy = RetryPolicy(base: .milliseconds(250), cap: .seconds(1), jitter: 0)
        #expect(policy.delay(afterAttempt: 0) == .milliseconds(250))
        #expect(policy.delay(afterAttempt: 3) == .seconds(1))
    }
}

/// The property tests' seeded generator.
typealias SeededGenerator = SplitMix

extension SplitMix {
    init(seed: UInt64) { self.init(state: seed) }
}
