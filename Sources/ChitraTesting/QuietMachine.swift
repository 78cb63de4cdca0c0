import Foundation

/// The test process's gate over the machine's two cores. Every test that uses the database or
/// starts processes holds it while it runs: at most `slots` such tests at once (the
/// `.machine(limit:)` trait, or `sharing` for a database opened outside it), and the few heaviest
/// ones (three workers killed and restarted with the server, a browser) alone
/// (`.machine(.alone, limit:)`). Without it every test of the suite starts at once: the load
/// peaked at 33 on two cores and waits tuned to a quiet machine ran out (issue 22).
///
/// Limits count from the moment a test holds the machine, never while it waits for it: a test's
/// `limit` is a ceiling that catches a hang, and when it fires it says what the test was doing
/// (the test's own `eventually` waits say what they saw). Holding is re-entrant: a test that holds
/// the machine (through the `.machine` trait) and opens a database (which asks for it too) holds it
/// once.
///
/// Sharers go first; a test that asks to be alone waits until no sharer runs or waits, and then a
/// moment more (`settle`: a serialized suite's next test starts right after its previous one).
public actor QuietMachine {
    public static let shared = QuietMachine(slots: QuietMachine.defaultSlots)

    /// How a test holds the machine.
    public enum Share: Sendable {
        case shared
        case alone
    }

    /// Tests sharing the machine at once: `CHITRA_TEST_SLOTS`, else 3. Beside a one-core CPU hog the
    /// suite took 213–221 s with 3 (peak load 13–15) and 202 s with no limit; before the gate the load
    /// peaked at 33 and short waits ran out (ops/bench/results/suite.md).
    public static var defaultSlots: Int {
        ProcessInfo.processInfo.environment["CHITRA_TEST_SLOTS"].flatMap(Int.init).map { max(1, $0) } ?? 3
    }

    /// Whether the current task already holds the machine, and how.
    @TaskLocal static var held: Share?

    public let slots: Int
    let settle: Duration
    private var sharers = 0
    private var exclusive = false
    private var sharedWaiters: [CheckedContinuation<Void, Never>] = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    public init(slots: Int, settle: Duration = .seconds(1)) {
        self.slots = slots
        self.settle = settle
    }

    /// Runs `body` holding one of the machine's slots, for at most `limit` once it holds it.
    public nonisolated func sharing<T: Sendable>(limit: Duration = .minutes(5), _ body: @Sendable () async throws -> T) async throws -> T {
        try await hold(.shared, limit: limit, what: "a test sharing the machine", body)
    }

    /// Runs `body` holding the machine as `share` asks; throws `Ceiling` if it runs past `limit`.
    public nonisolated func hold<T: Sendable>(_ share: Share, limit: Duration, what: String,
                                              _ body: @Sendable () async throws -> T) async throws -> T {
        if let held = Self.held {
            // Already held by this test: once is enough. A test sharing the machine cannot take it
            // alone from inside (that would wait for itself).
            guard share == .shared || held == .alone else { throw Misuse() }
            return try await body()
        }
        await acquire(share)
        do {
            let result = try await Self.$held.withValue(share) { try await Self.withCeiling(limit, what: what, body) }
            await release(share)
            return result
        } catch {
            await release(share)
            throw error
        }
    }

    /// Runs `body`; past `limit` it is cancelled and `Ceiling` is thrown.
    static func withCeiling<T: Sendable>(_ limit: Duration, what: String, _ body: @Sendable () async throws -> T) async throws -> T {
        // The task group awaits both of its tasks before it returns: `body` never outlives this call.
        try await withoutActuallyEscaping(body) { body in
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: limit)
                    // Said at once, in case the body ignores its cancellation.
                    FileHandle.standardError.write(Data("\(what) still runs after \(limit): cancelling it\n".utf8))
                    throw Ceiling(what: what, limit: limit)
                }
                defer { group.cancelAll() }
                while let next = try await group.next() {
                    if let value = next { return value }
                }
                throw CancellationError()
            }
        }
    }

    /// A test ran past its ceiling: a hang, not slowness (the ceilings are several times the
    /// test's time on a loaded machine).
    public struct Ceiling: Error, CustomStringConvertible {
        public var what: String
        public var limit: Duration
        public var description: String { "\(what) did not end within \(limit) of holding the machine (a hang: its waits say what they saw)" }
    }

    public struct Misuse: Error, CustomStringConvertible {
        public var description: String { "a test that shares the machine asked for it alone: give the test the .machine(.alone) trait" }
    }

    private func acquire(_ share: Share) async {
        switch share {
        case .shared:
            if !exclusive, sharers < slots {
                sharers += 1
                return
            }
            await withCheckedContinuation { sharedWaiters.append($0) }
        case .alone:
            while true {
                if sharers > 0 || exclusive || !sharedWaiters.isEmpty {
                    await withCheckedContinuation { idleWaiters.append($0) }
                    continue
                }
                try? await Task.sleep(for: settle)
                if sharers == 0, !exclusive, sharedWaiters.isEmpty {
                    exclusive = true
                    return
                }
            }
        }
    }

    private func release(_ share: Share) {
        switch share {
        case .shared: sharers -= 1
        case .alone: exclusive = false
        }
        // Waiting sharers first, as many as there are free slots; an exclusive test once none is
        // running or waiting.
        while !exclusive, sharers < slots, !sharedWaiters.isEmpty {
            sharers += 1
            sharedWaiters.removeFirst().resume()
        }
        if sharers == 0, !exclusive, sharedWaiters.isEmpty {
            let waiters = idleWaiters
            idleWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }
}
