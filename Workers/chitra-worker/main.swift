import ArgumentParser
import ChitraCore
import ChitraStore
import ChitraWorker
import Foundation
import Logging
import ServiceLifecycle

/// `chitra-worker`: one worker process. Run as many as needed, on as many machines as needed;
/// they share nothing but the database named by `DATABASE_URL`.
@main
struct ChitraWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chitra-worker", abstract: "Claims and runs Chitra's jobs from PostgreSQL.")

    @Option(help: "Jobs run at once.")
    var concurrency: Int = 10

    @Option(help: "Most jobs claimed in one statement.")
    var claimBatch: Int = 1_000

    @Option(help: "Lease of a claimed job, in milliseconds (heartbeats renew it at a third of that).")
    var leaseMs: Int = 30_000

    @Option(help: "Longest wait for work when a notification is lost, in milliseconds.")
    var pollMs: Int = 1_000

    @Option(help: "At SIGTERM, how long running jobs may finish, in seconds.")
    var graceSeconds: Int = 20

    @Option(help: "How often the rescuer and pruner run, in milliseconds.")
    var maintenanceMs: Int = 5_000

    @Option(help: "Base delay of the retry backoff, in milliseconds.")
    var retryBaseMs: Int = 1_000

    @Flag(help: "Also run the probe.* diagnostic job kinds (probe.crash stops the process).")
    var diagnostics = false

    @Flag(help: "Do not run the rescuer and pruner in this process.")
    var noMaintenance = false

    @Option(help: "A folder with the policy tables (default: those shipped with Chitra).")
    var policy: String?

    @Option(help: "Beneficiaries per compute job when this worker plans a run.")
    var shardSize: Int = RunPlanner.shardSize

    @Option(help: "Attempts of each compute job this worker's plans enqueue before the job, and its run, fail.")
    var computeMaxAttempts: Int32 = NewJob.defaultMaxAttempts

    @Option(help: "With --diagnostics: kill this process (SIGKILL) after writing the lines and disbursements of its N-th shard, before the shard's transaction commits.")
    var dieAfterWritingShard: Int?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let logger = ProcessLogging.bootstrap(label: "chitra-worker", level: environment["CHITRA_LOG_LEVEL"])
        guard let text = environment["DATABASE_URL"], !text.isEmpty else {
            throw ValidationError("DATABASE_URL is not set: point it at the Chitra database.")
        }
        try await serve(url: try DatabaseURL(parsing: text), logger: logger)
    }

    func serve(url: DatabaseURL, logger: Logger) async throws {
        var configuration = WorkerConfiguration(workerID: WorkerIdentity.make())
        configuration.concurrency = concurrency
        configuration.claimBatchSize = claimBatch
        configuration.lease = .milliseconds(leaseMs)
        configuration.heartbeatInterval = .milliseconds(leaseMs / 3)
        configuration.pollInterval = .milliseconds(pollMs)
        configuration.shutdownGrace = .seconds(graceSeconds)
        configuration.retryPolicy.base = .milliseconds(retryBaseMs)
        var maintenance = MaintenanceConfiguration()
        maintenance.interval = .milliseconds(maintenanceMs)

        // Refuse to start on a database whose schema is behind: one sentence, nothing claimed.
        try await Database.withRunning(url, maximumConnections: 1, logger: logger) {
            try await Migrator(database: $0).requireUpToDate()
        }
        let database = Database(url: url, logger: logger)
        let policy = try self.policy.map { try PolicyTable.load(folder: $0) } ?? PolicyTable.bundled()
        guard shardSize > 0 else { throw ValidationError("--shard-size must be at least 1.") }
        var hooks = RunHandlers.Hooks()
        if let shard = dieAfterWritingShard {
            guard diagnostics else { throw ValidationError("--die-after-writing-shard needs --diagnostics.") }
            hooks.afterShardWrites = DiagnosticHandlers.killSelf(atCall: shard)
        }
        guard computeMaxAttempts >= 1 else { throw ValidationError("--compute-max-attempts must be at least 1.") }
        let handlers = DiagnosticHandlers.standard
            + RunHandlers.all(policy: policy, shardSize: shardSize, computeMaxAttempts: computeMaxAttempts, hooks: hooks)
            + (diagnostics ? DiagnosticHandlers.probes : [])
        let worker = try Worker(database: database, handlers: handlers, configuration: configuration, logger: logger)
        var services: [any Service] = [database.client]
        if !noMaintenance { services.append(MaintenanceService(database: database, configuration: maintenance, logger: logger)) }
        services.append(worker)
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
