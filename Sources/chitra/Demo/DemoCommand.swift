import ArgumentParser
import ChitraCore
import ChitraStore
import ChitraWorker
import Foundation
import Logging
import ServiceLifecycle

/// `chitra demo`: Chitra on a private database. Starts a private PostgreSQL (never DATABASE_URL's),
/// migrates, imports a synthetic register for Bạc Liêu's seven districts, enqueues a
/// demonstration workload across them, drains it with two workers, and prints what happened.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run a demonstration workload on a private database and report.")

    @Option(help: "Synthetic beneficiaries per district to import.") var beneficiaries: Int = 10_000
    @Option(help: "No-op jobs to enqueue.") var jobs: Int = 50_000
    @Option(help: "Workers to run.") var workers: Int = 2
    @Option(help: "Jobs each worker runs at once.") var concurrency: Int = 500
    @Option(name: .customLong("log-level"), help: "Log level of the workers.") var logLevel: String = "error"

    static let districts = BacLieu.districtCodes
    /// The month the demo pays: the synthetic register was paid before Chitra through May 2026.
    static let period = Period(year: 2026, month: 6)!

    func run() async throws {
        let logger = ProcessLogging.bootstrap(label: "chitra.demo", level: logLevel)
        print("Chitra demo: \(jobs) jobs, \(workers) workers × \(concurrency) slots")
        let clock = ContinuousClock()
        let started = clock.now
        let store = try await PrivateDatabase.make(name: "chitra_demo", logger: logger)
        print("• private PostgreSQL started in \(store.cluster.folder) (\(String(format: "%.1f", (clock.now - started).seconds)) s)")
        do {
            let people = try await Database.withRunning(store.url, logger: logger) { database in
                let applied = try await Migrator(database: database).migrate()
                print("• migrations: \(applied.count) applied")
                return try await ProvincePeople.make(districts: Self.districts, owner: database)
            }
            // From here on as the application's role, row-level security applying, as in production.
            try await Database.withRunning(store.applicationURL, scope: ProvincePeople.scope(Self.districts), logger: logger) { database in
                try await DemoRegister.importProvince(database: database, districts: Self.districts, perDistrict: self.beneficiaries,
                                                      by: people.operatorIdentity)
                let outcomes = try await RunCoordinator(database: database)
                    .trigger(period: Self.period, districts: nil, by: people.admin, autoApprove: true)
                print("• monthly run of \(Self.period) triggered for \(outcomes.count) districts (auto-approved)")
                let workload = try await DemoWorkload.enqueue(self.jobs, districts: Self.districts, queue: JobQueue(database: database))
                print(workload.summary)
                try await self.drain(database: database, expected: workload.total, logger: logger)
                try await DemoReport.print(database: database, workload: workload)
                try await DemoReport.printRuns(database: database, period: Self.period)
            }
        } catch {
            await store.stop()
            throw error
        }
        await store.stop()
    }

    private func drain(database: Database, expected: Int, logger: Logger) async throws {
        // The workers' pool, as chitra-worker's: queue statements as the queue's role.
        try await Database.withRunning(database.url, scope: .queue, logger: logger) { queuePool in
            try await drain(database: database, queuePool: queuePool, expected: expected, logger: logger)
        }
    }

    private func drain(database: Database, queuePool: Database, expected: Int, logger: Logger) async throws {
        let queue = JobQueue(database: database)
        var services: [any Service] = [MaintenanceService(database: queuePool, configuration: .init(), logger: logger)]
        for index in 0..<workers {
            var configuration = WorkerConfiguration(workerID: "demo-worker-\(index + 1)")
            configuration.concurrency = concurrency
            configuration.retryPolicy.base = .milliseconds(50)
            let handlers = DiagnosticHandlers.standard + DiagnosticHandlers.probes.filter { $0.kind != "probe.crash" }
                + RunHandlers.all(policy: try PolicyTable.bundled())
            services.append(try Worker(database: queuePool, handlers: handlers, configuration: configuration, logger: logger))
        }
        let group = ServiceGroup(services: services, logger: logger)
        let progress = ProgressLine()
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while true {
                // The workload's own jobs, counted against what was enqueued; the run's plan and
                // compute jobs appear as it goes and are shown apart. Submit jobs wait for the
                // transfer rails (their own issue) and are not waited for.
                var finished = 0, running = 0, retrying = 0
                for kind in DemoWorkload.kinds {
                    let counts = try await queue.countsByState(kind: kind)
                    finished += [JobState.completed, .discarded, .cancelled].map { counts[$0] ?? 0 }.reduce(0, +)
                    running += counts[.running] ?? 0
                    retrying += counts[.retryable] ?? 0
                }
                var runJobsOpen = 0
                for kind in RunHandlers.computeKinds {
                    let counts = try await queue.countsByState(kind: kind)
                    runJobsOpen += [JobState.available, .running, .retryable].map { counts[$0] ?? 0 }.reduce(0, +)
                }
                let elapsed = (clock.now - start).seconds
                progress.show(String(format: "• draining: %d of %d jobs finished, %d running, %d waiting to retry; run jobs open: %d (%.1f s)",
                                     finished, expected, running, retrying, runJobsOpen, elapsed))
                if finished >= expected, runJobsOpen == 0 { break }
                try await Task.sleep(for: progress.interactive ? .milliseconds(200) : .seconds(1))
            }
            progress.finish()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
