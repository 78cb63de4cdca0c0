import ArgumentParser
import AsyncHTTPClient
import ChitraAPI
import ChitraCore
import ChitraRails
import ChitraStore
import ChitraWorker
import Foundation
import Logging
import ServiceLifecycle

/// `chitra worker` (and the thin `chitra-worker` systemd starts): one worker process. Run as many
/// as needed, on as many machines as needed; they share nothing but the database named by
/// `DATABASE_URL`.
public struct WorkerCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(commandName: "worker", abstract: WorkerOptions.abstract)

    @OptionGroup public var options: WorkerOptions

    public init() {}

    public func run() async throws {
        try await options.run()
    }
}

/// The worker's options and what it does with them, shared by `chitra worker` and `chitra-worker`.
public struct WorkerOptions: ParsableArguments, Sendable {
    public static let abstract = "Claims and runs Chitra's jobs from PostgreSQL."

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

    @Option(help: "The bank gateway's URL (default: CHITRA_BANK_URL). Without it this worker sends nothing by bank.")
    var bankURL: String?

    @Option(help: "The e-wallet gateway's URL (default: CHITRA_WALLET_URL). Without it this worker sends nothing by wallet.")
    var walletURL: String?

    @Option(help: "Longest wait for a gateway's answer, in milliseconds; after it the outcome is unknown and is inquired.")
    var railTimeoutMs: Int = 30_000

    @Option(help: "How often an accepted or pending transfer is asked about, in milliseconds.")
    var inquiryMs: Int = 1_000

    @Option(help: "Base delay of the backoff of transfers rejected for a temporary reason, in milliseconds.")
    var transferRetryBaseMs: Int = 1_000

    @Option(help: "Transfers per payment file or wallet batch (at most \(TransferBatching.maximumTransfers)).")
    var batchSize: Int = TransferBatching.maximumTransfers

    @Option(help: "With --diagnostics: kill this process (SIGKILL) after its N-th batch was posted, before its answer is written.")
    var dieAfterPosting: Int?

    @Option(help: "The longest a job may run, in seconds; past it its lease is left to expire and another worker does it.")
    var jobTimeoutSeconds: Int = 120

    @Option(help: "Log lines as text or json (one object per line; default: CHITRA_LOG_FORMAT, else text).")
    var logFormat: String?

    @Option(help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (jobs, the queue by kind, the rails).")
    var metricsPort: Int?

    @Option(help: "The address the metrics are served on.")
    var metricsHost: String = "127.0.0.1"

    @Flag(help: "With --diagnostics: a part of this process that never finishes stopping (the stop deadline's test).")
    var holdStop = false

    public init() {}

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var format: ProcessLogging.Format?
        if let logFormat {
            guard let chosen = ProcessLogging.Format(rawValue: logFormat) else { throw ValidationError("--log-format must be text or json.") }
            format = chosen
        }
        let logger = ProcessLogging.bootstrap(label: "chitra-worker", level: environment["CHITRA_LOG_LEVEL"], format: format)
        if metricsPort != nil { ProcessMetrics.bootstrap() }
        // A shell that runs both the API and workers (`chitra db start`'s exports) names the worker's
        // role apart; a worker's own environment file says DATABASE_URL.
        guard let text = [environment["CHITRA_WORKER_DATABASE_URL"], environment["DATABASE_URL"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw ValidationError("DATABASE_URL is not set: point it at the Chitra database, as the role chitra_worker.")
        }
        guard let secret = try ServiceCredentials.fromEnvironment(environment) else {
            throw ValidationError("\(ServiceCredentials.environmentVariable) is not set: the database shows a worker nothing without "
                                  + "its credential (make one on the server with `chitra db credential --name worker-1`).")
        }
        let credential = try ServiceCredentials.parse(secret)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var url = try DatabaseURL(parsing: text)
            // A URL without a password takes it from PGPASSFILE (.pgpass format, mode 0600), as the CLI does.
            if url.password == nil, let path = environment["PGPASSFILE"], !path.isEmpty { url = try PasswordFile(path: path).applied(to: url) }
            try await serve(url: url, credential: credential, http: http, environment: environment, logger: logger)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    func rails(http: HTTPClient, environment: [String: String]) throws -> RailSet {
        let timeout = Duration.milliseconds(railTimeoutMs)
        guard (1...TransferBatching.maximumTransfers).contains(batchSize) else {
            throw ValidationError("--batch-size must be 1 to \(TransferBatching.maximumTransfers).")
        }
        guard railTimeoutMs > 0, inquiryMs > 0, transferRetryBaseMs > 0 else {
            throw ValidationError("--rail-timeout-ms, --inquiry-ms and --transfer-retry-base-ms must be positive.")
        }
        let bank = (bankURL ?? environment["CHITRA_BANK_URL"]).flatMap { $0.isEmpty ? nil : $0 }
        let wallet = (walletURL ?? environment["CHITRA_WALLET_URL"]).flatMap { $0.isEmpty ? nil : $0 }
        for url in [bank, wallet].compactMap({ $0 }) where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw ValidationError("'\(url)' is not an http:// or https:// URL.")
        }
        return RailSet.gateways(bankURL: bank, walletURL: wallet, http: http, timeout: timeout, retry: RetryPolicy(base: .milliseconds(transferRetryBaseMs)),
                                inquiryInterval: .milliseconds(inquiryMs), batchSize: batchSize)
    }

    func serve(url: DatabaseURL, credential: Credential, http: HTTPClient, environment: [String: String], logger: Logger) async throws {
        var configuration = WorkerConfiguration(workerID: WorkerIdentity.make())
        configuration.concurrency = concurrency
        configuration.claimBatchSize = claimBatch
        configuration.lease = .milliseconds(leaseMs)
        configuration.heartbeatInterval = .milliseconds(leaseMs / 3)
        configuration.pollInterval = .milliseconds(pollMs)
        configuration.shutdownGrace = .seconds(graceSeconds)
        configuration.jobTimeout = .seconds(jobTimeoutSeconds)
        configuration.exitWhenStuck = true
        configuration.retryPolicy.base = .milliseconds(retryBaseMs)
        var maintenance = MaintenanceConfiguration()
        maintenance.interval = .milliseconds(maintenanceMs)

        // Refuse to start on a database whose schema is behind: one sentence, nothing claimed.
        try await Database.withRunning(url, maximumConnections: 1, logger: logger) {
            try await Migrator(database: $0).requireUpToDate()
        }
        // The pool's connections start in the queue's scope; each job's handler runs in its district's.
        // The worker's credential goes with every handler's transaction: the database verifies it.
        let database = Database(url: url, scope: Scope.queue.with(credential: credential), logger: logger)
        let policy = try self.policy.map { try PolicyTable.load(folder: $0) } ?? PolicyTable.bundled()
        guard shardSize > 0 else { throw ValidationError("--shard-size must be at least 1.") }
        var hooks = RunHandlers.Hooks()
        if let shard = dieAfterWritingShard {
            guard diagnostics else { throw ValidationError("--die-after-writing-shard needs --diagnostics.") }
            hooks.afterShardWrites = DiagnosticHandlers.killSelf(atCall: shard)
        }
        if let batch = dieAfterPosting {
            guard diagnostics else { throw ValidationError("--die-after-posting needs --diagnostics.") }
            hooks.afterPosting = DiagnosticHandlers.killSelf(atCall: batch)
        }
        let rails = try rails(http: http, environment: environment)
        guard computeMaxAttempts >= 1 else { throw ValidationError("--compute-max-attempts must be at least 1.") }
        let handlers = DiagnosticHandlers.standard
            + RunHandlers.all(policy: policy, shardSize: shardSize, computeMaxAttempts: computeMaxAttempts, rails: rails, hooks: hooks)
            + (diagnostics ? DiagnosticHandlers.probes : [])
        guard !holdStop || diagnostics else { throw ValidationError("--hold-stop needs --diagnostics.") }
        let worker = try Worker(database: database, handlers: handlers, configuration: configuration, logger: logger)
        // Stopped in reverse order: the worker first (the metrics still answer while it drains),
        // the pool after everything that uses it, the deadline last.
        var services: [any Service] = [StopDeadline(limit: configuration.shutdownGrace + .seconds(30), logger: logger), database.client]
        if holdStop { services.append(DiagnosticHandlers.HeldStop()) }
        if !noMaintenance { services.append(MaintenanceService(database: database, configuration: maintenance, logger: logger)) }
        if let metricsPort {
            services.append(MetricsEndpoint(host: metricsHost, port: metricsPort, logger: logger) {
                try await ProcessMetrics.sampleQueue(database)
                return ProcessMetrics.text()
            }.application())
        }
        services.append(worker)
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
