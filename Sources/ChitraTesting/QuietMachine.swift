/// A readers–writer gate over the test process's load: tests that use the database share it,
/// and a test that measures latency "at idle" takes it alone, so that it measures Chitra and not
/// the suites running beside it on two cores. A waiting exclusive test goes first.
public actor QuietMachine {
    public static let shared = QuietMachine()

    private var sharers = 0
    private var exclusive = false
    private var exclusiveWaiters: [CheckedContinuation<Void, Never>] = []
    private var sharedWaiters: [CheckedContinuation<Void, Never>] = []

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

    /// Runs `body` alone: after every running sharer finished, before any new one starts.
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
        if !exclusive, exclusiveWaiters.isEmpty {
            sharers += 1
            return
        }
        await withCheckedContinuation { sharedWaiters.append($0) }
    }

    private func releaseShared() {
        sharers -= 1
        if sharers == 0, !exclusiveWaiters.isEmpty {
            exclusive = true
            exclusiveWaiters.removeFirst().resume()
        }
    }

    private func acquireExclusive() async {
        if !exclusive, sharers == 0 {
            exclusive = true
            return
        }
        await withCheckedContinuation { exclusiveWaiters.append($0) }
    }

    private func releaseExclusive() {
        if !exclusiveWaiters.isEmpty {
            exclusiveWaiters.removeFirst().resume()
            return
        }
        exclusive = false
        sharers += sharedWaiters.count
        for waiter in sharedWaiters { waiter.resume() }
        sharedWaiters = []
    }
}
