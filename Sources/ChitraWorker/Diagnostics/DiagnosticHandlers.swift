import ChitraStore
import Foundation
import PostgresNIO

/// Handlers that prove a deployment works: `noop` for benchmarks, and with diagnostics enabled,
/// `probe.record` (exactly-once canary), `probe.fail`, `probe.sleep` and `probe.crash`.
public enum DiagnosticHandlers {
    /// Always safe to register.
    public static var standard: [any JobHandler] { [Noop()] }

    /// For tests and operators checking a deployment; `probe.crash` kills the process.
    public static var probes: [any JobHandler] { [Record(), Fail(), Sleep(), Crash()] }

    /// Does nothing: measures the queue itself.
    public struct Noop: JobHandler {
        public let kind: JobKind = "noop"
        public func run(_ context: JobContext) async throws {}
    }

    /// Writes its job id to `job_probe_receipts` in the transaction that completes the job. A
    /// second execution would violate the table's primary key, so a clean drain proves that every
    /// job's effect happened exactly once.
    public struct Record: JobHandler {
        public let kind: JobKind = "probe.record"
        public func run(_ context: JobContext) async throws {
            let id = context.job.id
            let worker = context.owner
            try await context.withCompletingTransaction { connection in
                try await ProbeReceipt.record(jobID: id, worker: worker, on: connection)
            }
        }
    }

    public struct ProbeFailure: Error, CustomStringConvertible {
        public var description: String { "probe.fail always fails, as asked" }
    }

    /// Always throws: shows retries, backoff and discarding.
    public struct Fail: JobHandler {
        public let kind: JobKind = "probe.fail"
        public func run(_ context: JobContext) async throws { throw ProbeFailure() }
    }

    /// Sleeps `{"ms": N}` milliseconds, honouring cancellation: shows graceful shutdown.
    public struct Sleep: JobHandler {
        public let kind: JobKind = "probe.sleep"
        struct Args: Decodable { var ms: Int }
        public func run(_ context: JobContext) async throws {
            let args = try context.job.decodeArgs(Args.self)
            try await Task.sleep(for: .milliseconds(args.ms))
        }
    }

    /// Kills the worker process: shows that a crash loses no job (the rescuer returns it).
    public struct Crash: JobHandler {
        public let kind: JobKind = "probe.crash"
        public func run(_ context: JobContext) async throws {
            context.logger.critical("probe.crash: stopping this process on purpose")
            fatalError("probe.crash")
        }
    }
}
