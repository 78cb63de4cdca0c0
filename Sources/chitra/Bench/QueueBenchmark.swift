import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Logging
import PostgresNIO

/// The queue benchmark: bulk enqueue, drain by real worker processes, idle wake-up latency, and
/// where the database spent its time (pg_stat_statements).
struct QueueBenchmark {
    var jobs: Int
    var workers: Int
    var concurrency: Int
    var claimBatch: Int
    var idleJobs: Int
    /// The units the jobs belong to: Bạc Liêu's seven districts, or with `national`, every
    /// commune of the country (3,321), the first of them holding `backlogShare` of the jobs and the
    /// others sharing the rest evenly.
    var national = false
    var backlogShare = 0.5

    func run() async throws -> QueueBenchmarkResult {
        var logger = Logger(label: "chitra.bench")
        logger.logLevel = .error
        // Always a private cluster: a benchmark truncates tables it must own. Durability stays on.
        let cluster = try await LocalCluster.start(settings: [
            "shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "top",
        ])
        let url = cluster.ownerURL(database: "chitra_bench")
        do {
            try await AdminStatement.createDatabase("chitra_bench", on: cluster.ownerURL(), logger: logger)
            try await StatementStatistics.enable(superuser: cluster.superuserURL(database: "chitra_bench"), owner: LocalCluster.LoginRole.owner.rawValue, logger: logger)
            let result = try await Database.withRunning(url, scope: .owner, logger: logger) { database in
                try await Migrator(database: database).migrate()
                // Enqueueing and the statistics are the owner's; the workers connect as the application.
                let credential = try await ServiceCredentials.create(name: "benchmark workers", reach: .jobs, database: database)
                return try await self.measure(database: database, url: cluster.url(.worker, database: "chitra_bench"), credential: credential)
            }
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    private func measure(database: Database, url: DatabaseURL, credential: Credential) async throws -> QueueBenchmarkResult {
        let queue = JobQueue(database: database)
        let districts = national ? try Self.communes() : BacLieu.districtCodes
        let batch = national ? Self.skewed(jobs: jobs, over: districts, backlogShare: backlogShare)
                             : (0..<jobs).map { NewJob(kind: "noop", districtCode: districts[$0 % districts.count]) }
        let clock = ContinuousClock()
        var start = clock.now
        try await queue.enqueue(batch)
        let enqueueSeconds = (clock.now - start).seconds
        try await QueueStatistics.prepareForBenchmark(database)

        start = clock.now
        let processes = try (0..<workers).map { _ in
            try ChitraProgram.worker.start(["--concurrency", "\(concurrency)", "--claim-batch", "\(claimBatch)"],
                                           environment: ["DATABASE_URL": url.connectionString, "CHITRA_LOG_LEVEL": "error",
                                                         ServiceCredentials.environmentVariable: credential.secret])
        }
        while try await !QueueStatistics.isEmpty(database) {
            try await Task.sleep(for: .milliseconds(100))
        }
        let wallSeconds = (clock.now - start).seconds
        let drain = try await QueueStatistics.drain(database)
        let waits = national ? try await QueueStatistics.unitWaits(database, backlogUnit: districts[0]) : nil
        let statements = try await StatementStatistics.top(database, limit: 6)

        // Idle wake-up: workers are idle now; one job at a time.
        for index in 0..<idleJobs {
            try await queue.enqueue(NewJob(kind: "noop", districtCode: districts[index % districts.count], args: #"{"idle": true}"#))
            try await Task.sleep(for: .milliseconds(20))
        }
        while try await !QueueStatistics.isEmpty(database) { try await Task.sleep(for: .milliseconds(50)) }
        let idle = try await QueueStatistics.drain(database, idleProbes: true)

        let memory = processes.compactMap(\.peakMemoryBytes).max() ?? 0
        let cpu = processes.compactMap(\.cpuSeconds).reduce(0, +)
        for process in processes { process.signal(SIGTERM) }
        for process in processes { await process.waitForExit() }
        return QueueBenchmarkResult(
            jobs: jobs, workers: workers, concurrency: concurrency, claimBatch: claimBatch,
            enqueueSeconds: enqueueSeconds, drainSeconds: drain.seconds, drainWallSeconds: wallSeconds,
            backlogLatencyP50: drain.p50, backlogLatencyP99: drain.p99,
            idleLatencyP50: idle.p50, idleLatencyP99: idle.p99, idleJobs: idleJobs,
            workerPeakMemoryBytes: memory, workerCPUSeconds: cpu, statements: statements, unitWaits: waits)
    }

    /// Every commune, ward and special zone valid from the 2025 reform on, from the shipped lists.
    static func communes() throws -> [String] {
        let catalogue = try UnitCatalogueFiles.bundled().catalogue
        return catalogue.units.filter { $0.level == .commune && $0.validFrom == catalogue.reform }.map(\.code)
    }

    /// `backlogShare` of the jobs for the first unit, enqueued first; the rest spread over the
    /// others, one each in turn.
    static func skewed(jobs: Int, over units: [String], backlogShare: Double) -> [NewJob] {
        let backlog = Int(Double(jobs) * backlogShare)
        let others = units.dropFirst()
        return (0..<backlog).map { _ in NewJob(kind: "noop", districtCode: units[0]) }
            + (0..<(jobs - backlog)).map { NewJob(kind: "noop", districtCode: others[others.startIndex + $0 % others.count]) }
    }
}

extension ChildProcess {
    /// User plus system CPU seconds so far, from /proc.
    var cpuSeconds: Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
