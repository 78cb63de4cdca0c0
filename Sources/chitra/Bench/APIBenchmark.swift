import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Hummingbird
import Logging

/// The API benchmark: `wrk` against a run's status and its disbursement pages while a month of N
/// beneficiaries computes (two worker processes), and the same month computed without the load:
/// requests/s, latency percentiles, and how much the load slowed the run.
struct APIBenchmark {
    var beneficiaries: Int
    var workers: Int
    var connections: Int
    var folder: String
    /// Each part on a host of its own with its CPU share (nil: all on this machine, sharing it).
    var hosts: BenchHosts?
    /// The load while the month computes, paced to this many requests a second (nil: as fast as
    /// the connections go).
    var rate: Int?
    /// Count the database's statements for the load at rest (`pg_stat_statements`) and print them.
    var countsStatements = false

    /// The private PostgreSQL's settings that count every statement, nested ones and planning too.
    private var settings: [String: String] {
        countsStatements ? ["shared_preload_libraries": "pg_stat_statements", "pg_stat_statements.track": "all",
                            "pg_stat_statements.track_planning": "on"] : [:]
    }

    struct Result: Codable {
        var beneficiaries: Int
        var workers: Int
        var connections: Int
        var runSecondsAlone: Double
        var runSecondsUnderLoad: Double
        var requestsPerSecond: Double
        var latencyP50Ms: Double
        var latencyP99Ms: Double
        var requests: Int
        var errors: Int
        /// The same load for 10 s with nothing computing.
        var restRequestsPerSecond: Double
        var restLatencyP50Ms: Double
        var restLatencyP99Ms: Double
        /// The API's own CPU a request at rest (this process's user and system time over the
        /// requests; nil when the API ran on a host of its own).
        var restAPICPUMsPerRequest: Double?
        /// The CPU shares of the hosts, when each part had its own.
        var hosts: BenchHosts.Shares?
        var targetRate: Int?
        /// What the database ran for the load at rest (with `pg_stat_statements`).
        var restStatements: [StatementStatistics.Statement] = []
        var machine = MachineState.current
        var date = ISO8601DateFormatter().string(from: Date())

        var slowdown: Double { runSecondsUnderLoad / max(runSecondsAlone, 1e-9) - 1 }

        var text: String {
            """
            API benchmark, \(date), \(machine), \(hosts.map { "each on a host of its own: \($0)" } ?? "API, workers, wrk and PostgreSQL on the same machine")
            wrk, \(connections) connections\(targetRate.map { ", paced to \($0) requests/s" } ?? ""), GET run status and GET disbursement pages (100) alternately, as a province reader, while \(beneficiaries) beneficiaries compute with \(workers) worker processes:
              \(String(format: "%.0f", requestsPerSecond)) requests/s (\(requests) requests, \(errors) errors), latency p50 \(String(format: "%.1f", latencyP50Ms)) ms, p99 \(String(format: "%.1f", latencyP99Ms)) ms
              at rest (nothing computing, 10 s): \(String(format: "%.0f", restRequestsPerSecond)) requests/s, latency p50 \(String(format: "%.1f", restLatencyP50Ms)) ms, p99 \(String(format: "%.1f", restLatencyP99Ms)) ms\(restAPICPUMsPerRequest.map { String(format: "; the API's own CPU %.3f ms a request", $0) } ?? "")
              the run computed in \(String(format: "%.1f", runSecondsUnderLoad)) s under load, \(String(format: "%.1f", runSecondsAlone)) s alone (\(String(format: "%+.0f", slowdown * 100)) %)
            Goals (issues 10, 29): p99 under 50 ms at 500 requests/s; the run within 15 % of its time alone; at rest 3,000 requests/s a core of the API.
            """ + restStatements.map {
                "\n  at rest: \(String(format: "%7.1f", $0.totalMilliseconds)) ms executing, \(String(format: "%6.1f", $0.planMilliseconds)) ms planning, \($0.calls) calls: \($0.query.prefix(110))"
            }.joined()
        }
    }

    func run() async throws -> Result {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        guard let wrk = path.map({ "\($0)/wrk" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ValidationError("wrk is not installed (apt-get install wrk).")
        }
        var province = BenchmarkProvince(beneficiaries: beneficiaries, districtCount: 7, folder: folder, settings: settings)
        province.hosts = hosts
        return try await province.with { database, urls, people in
            try await measure(database: database, urls: urls, people: people, wrk: wrk)
        }
    }

    private func measure(database: Database, urls: BenchmarkProvince.URLs, people: ProvincePeople, wrk: String) async throws -> Result {
        let logger = BenchmarkProvince.logger
        let period = Period(year: 2026, month: 6)!
        let processes = try (0..<workers).map { index in
            try ChitraProgram.worker.start(["--concurrency", "8"],
                                           environment: ["DATABASE_URL": urls.worker.connectionString, "CHITRA_LOG_LEVEL": "error"]
                                               .merging(people.workerEnvironment) { $1 },
                                           on: hosts.map { $0.placement($0.workerHosts[index]) })
        }
        defer { for process in processes { process.signal(SIGKILL) } }
        let alone = try await computeOnce(period: period, database: database, people: people)

        return try await serving(urls.api, standby: urls.standby, logger: logger) { base in
                let script = folder + "/api-load.lua"
                try Self.loadScript(period: period, token: people.readerToken).write(toFile: script, atomically: true, encoding: .utf8)
                let paced = folder + "/api-load-paced.lua"
                if let rate {
                    try (Self.loadScript(period: period, token: people.readerToken) + Self.pacing(rate: rate, threads: 2))
                        .write(toFile: paced, atomically: true, encoding: .utf8)
                }
                func load(seconds: Int, script: String) throws -> (ChildProcess, String) {
                    let log = folder + "/wrk-\(seconds).log"
                    return (try ChildProcess(placing: [wrk, "-t", "2", "-c", "\(connections)", "-d", "\(seconds)s", "--latency", "-s", script, base],
                                             on: hosts?.placement("load"), logPath: log), log)
                }
                if countsStatements {
                    try await Database.withRunning(urls.owner, scope: .owner, logger: logger) { try await StatementStatistics.reset($0) }
                }
                let cpuBefore = Self.processCPUSeconds()
                let (rest, restLog) = try load(seconds: 10, script: script)
                _ = await rest.waitForExit()
                let restCPU = Self.processCPUSeconds() - cpuBefore
                let restStatements = countsStatements
                    ? try await Database.withRunning(urls.owner, scope: .owner, logger: logger) { try await StatementStatistics.top($0, limit: 12) }
                    : []
                let atRest = try WrkOutput((try? String(contentsOfFile: restLog, encoding: .utf8)) ?? "")
                for district in CaMau.communeCodes {
                    _ = try await RunCancellation.cancel(district: district, period: period, by: people.operatorIdentity, database: database)
                }
                let (busy, log) = try load(seconds: max(20, Int(alone * 2) + 10), script: rate == nil ? script : paced)
                try await Task.sleep(for: .seconds(2))
                let underLoad = try await computeOnce(period: period, database: database, people: people)
                _ = await busy.waitForExit()
                let figures = try WrkOutput((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
                return Result(beneficiaries: beneficiaries, workers: workers, connections: connections, runSecondsAlone: alone,
                              runSecondsUnderLoad: underLoad, requestsPerSecond: figures.requestsPerSecond, latencyP50Ms: figures.p50,
                              latencyP99Ms: figures.p99, requests: figures.requests, errors: figures.errors,
                              restRequestsPerSecond: atRest.requestsPerSecond, restLatencyP50Ms: atRest.p50, restLatencyP99Ms: atRest.p99,
                              restAPICPUMsPerRequest: hosts == nil && atRest.requests > 0 ? restCPU * 1000 / Double(atRest.requests) : nil,
                              hosts: hosts?.shares, targetRate: rate, restStatements: restStatements)
        }
    }

    /// This process's CPU time so far (user and system), in seconds: the API's when it serves here.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The API: in this process on 127.0.0.1, or with hosts, `chitra serve` on host api held to its
    /// share, reading from `standby` if there is one.
    private func serving<T: Sendable>(_ url: DatabaseURL, standby: DatabaseURL?, logger: Logger, _ body: @Sendable (_ base: String) async throws -> T) async throws -> T {
        guard let hosts else { return try await BenchmarkAPI.serving(url, logger: logger, body) }
        let placement = hosts.placement("api")
        let log = folder + "/serve.log"
        let server = try ChildProcess(placing: [ChildProcess.executablePath, "serve", "--host", try await placement.address(), "--port", "8080",
                                                "--rate", "1000000"], on: placement,
                                      environment: ["DATABASE_URL": url.connectionString, "CHITRA_LOG_LEVEL": "error",
                                                    "CHITRA_STANDBY_DATABASE_URL": standby?.connectionString ?? ""], logPath: log,
                                      endsWithParent: true)
        defer { server.signal(SIGTERM) }
        for _ in 0..<600 where !((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("listening on") {
            guard !server.hasExited else { throw ValidationError("chitra serve on host api stopped: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await body("http://\(placement.hostName):8080")
    }

    /// wrk's script: a run's status and a page of its disbursements, alternately, as the province's reader.
    static func loadScript(period: Period, token: String) -> String {
        """
        local paths = {"/api/v1/runs/31825/\(period)", "/api/v1/runs/31825/\(period)/disbursements?limit=100"}
        local i = 0
        request = function()
          i = i + 1
          return wrk.format("GET", paths[(i % 2) + 1], {["Authorization"] = "Bearer \(token)"})
        end

        """
    }

    /// Paces each of wrk's `threads` threads to its part of `rate` requests a second: each request
    /// waits for its slot on the thread's schedule (one that fell behind starts again from now,
    /// never bursting to catch up).
    static func pacing(rate: Int, threads: Int) -> String {
        """
        local ffi = require("ffi")
        ffi.cdef[[ typedef struct { long tv_sec; long tv_usec; } chitra_timeval; int gettimeofday(chitra_timeval *tv, void *tz); ]]
        local tv = ffi.new("chitra_timeval")
        local function now_ms() ffi.C.gettimeofday(tv, nil); return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000 end
        local interval = \(Double(threads) * 1000 / Double(max(rate, 1)))
        local next_at = nil
        delay = function()
          local now = now_ms()
          if next_at == nil or next_at < now then next_at = now end
          next_at = next_at + interval
          return next_at - interval - now
        end

        """
    }

    /// Triggers the month for every district and waits until every run is computed; the seconds.
    private func computeOnce(period: Period, database: Database, people: ProvincePeople) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await RunCoordinator(database: database).trigger(period: period, districts: nil, by: people.operatorIdentity, autoApprove: false)
        while try await !RunStatus.list(period: period, districts: nil, database: database).allSatisfy({ $0.state == .computed }) {
            try await Task.sleep(for: .milliseconds(100))
        }
        return (clock.now - start).seconds
    }
}

/// The figures of `wrk --latency`.
struct WrkOutput {
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double
    var requests: Int
    var errors: Int

    init(_ text: String) throws {
        func milliseconds(_ value: Substring) -> Double? {
            if value.hasSuffix("us"), let n = Double(value.dropLast(2)) { return n / 1000 }
            if value.hasSuffix("ms"), let n = Double(value.dropLast(2)) { return n }
            if value.hasSuffix("s"), let n = Double(value.dropLast(1)) { return n * 1000 }
            return nil
        }
        var rps: Double?, p50: Double?, p99: Double?, requests: Int?, errors = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.first == "Requests/sec:", fields.count > 1 { rps = Double(fields[1]) }
            if fields.first == "50%", fields.count > 1 { p50 = milliseconds(fields[1]) }
            if fields.first == "99%", fields.count > 1 { p99 = milliseconds(fields[1]) }
            if fields.count > 3, fields[1] == "requests", fields[2] == "in" { requests = Int(fields[0]) }
            if line.contains("Non-2xx or 3xx responses:"), let last = fields.last, let n = Int(last) { errors += n }
            if line.contains("Socket errors:") {
                errors += fields.compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }.reduce(0, +)
            }
        }
        guard let rps, let p50, let p99, let requests else { throw ValidationError("wrk's output could not be read: \(text.prefix(500))") }
        (self.requestsPerSecond, self.p50, self.p99, self.requests, self.errors) = (rps, p50, p99, requests, errors)
    }
}
