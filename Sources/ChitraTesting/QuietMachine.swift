/// A readers–writer gate over the test process's load: tests that use the database share it, and
/// the few tests that load the machine so much that they would starve the others (three workers
/// killed and restarted with the server, a browser) take it alone.
///
/// Sharers go first. Every test of the suite starts at once, so the sharers all get in at the
/// start, and a test that asks to be alone runs once no sharer has been running for a moment
/// (`settle`: a serialized suite's next test starts right after its previous one ended), which is
/// near the end of the run. The other way round (a waiting exclusive test first) made every
/// sharer that started after it wait for all the exclusive tests and for the longest sharer
/// already running: sharers with two-minute limits timed out in a full run (session 7).
/// Exclusive tests therefore carry limits that cover the whole run before them.
public actor QuietMachine {
    public static let shared = QuietMachine()

    /// How long the machine must have had no sharer before an exclusive test takes it.
    let settle: Duration

    private var sharers = 0
    private var exclusive = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private var sharedWaiters: [CheckedContinuation<Void, Never>] = []

    public init(settle: Duration = .seconds(2)) {
        self.settle = settle
    }

    /// Runs `body` while no test holds the machine alone.
    public nonisolated func sharing<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquireShared()
        do {
            let result = try await body()
            await releaseShared()
            return result
        } catch {
            await releaseShared()
            throw error
        }
    }

    /// Runs `body` alone: once no sharer has run for `settle`, before any new sharer starts.
    public nonisolated func alone<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquireExclusive()
        do {
            let result = try await body()
            await releaseExclusive()
            return result
        } catch {
            await releaseExclusive()
            throw error
        }
    }

    private func acquireShared() async {
        if !exclusive {
            sharers += 1
            return
        }
        await withCheckedContinuation { sharedWaiters.append($0) }
    }

    private func releaseShared() {
        sharers -= 1
        if sharers == 0 { wakeIdleWaiters() }
    }

    private func acquireExclusive() async {
        while true {
            if sharers > 0 || exclusive {
                await withCheckedContinuation { idleWaiters.append($0) }
                continue
            }
            // Idle now; wait a moment in case a serialized suite's next test is about to start.
            try? await Task.sleep(for: settle)
            if sharers == 0, !exclusive {
                exclusive = true
                return
            }
        }
    }

    private func releaseExclusive() {
        exclusive = false
        if !sharedWaiters.isEmpty {
            sharers += sharedWaiters.count
            for waiter in sharedWaiters { waiter.resume() }
            sharedWaiters = []
        } else {
            wakeIdleWaiters()
        }
    }

    /// Lets every waiting exclusive test look again (one of them takes the machine; the others
    /// wait for it).
    private func wakeIdleWaiters() {
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}
