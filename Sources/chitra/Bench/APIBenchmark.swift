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
        var machine = MachineState.current
        var date = ISO8601DateFormatter().string(from: Date())

        var slowdown: Double { runSecondsUnderLoad / max(runSecondsAlone, 1e-9) - 1 }

        var text: String {
            """
            API benchmark, \(date), \(machine), API, workers, wrk and PostgreSQL on the same machine
            wrk, \(connections) connections, GET run status and GET disbursement pages (100) alternately, as a province reader, while \(beneficiaries) beneficiaries compute with \(workers) worker processes:
              \(String(format: "%.0f", requestsPerSecond)) requests/s (\(requests) requests, \(errors) errors), latency p50 \(String(format: "%.1f", latencyP50Ms)) ms, p99 \(String(format: "%.1f", latencyP99Ms)) ms
              at rest (nothing computing, 10 s): \(String(format: "%.0f", restRequestsPerSecond)) requests/s, latency p50 \(String(format: "%.1f", restLatencyP50Ms)) ms, p99 \(String(format: "%.1f", restLatencyP99Ms)) ms
              the run computed in \(String(format: "%.1f", runSecondsUnderLoad)) s under load, \(String(format: "%.1f", runSecondsAlone)) s alone (\(String(format: "%+.0f", slowdown * 100)) %)
            Goals (issue 10): p99 under 50 ms at 500 requests/s; the run within 15 % of its time alone.
            """
        }
    }

    func run() async throws -> Result {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        guard let wrk = path.map({ "\($0)/wrk" }).first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ValidationError("wrk is not installed (apt-get install wrk).")
        }
        return try await BenchmarkProvince(beneficiaries: beneficiaries, districtCount: 7, folder: folder).with { database, urls, people in
            try await measure(database: database, urls: urls, people: people, wrk: wrk)
        }
    }

    private func measure(database: Database, urls: BenchmarkProvince.URLs, people: ProvincePeople, wrk: String) async throws -> Result {
        let logger = BenchmarkProvince.logger
        let period = Period(year: 2026, month: 6)!
        let processes = try (0..<workers).map { _ in
            try ChitraProgram.worker.start(["--concurrency", "8"],
                                           environment: ["DATABASE_URL": urls.worker.connectionString, "CHITRA_LOG_LEVEL": "error"]
                                               .merging(people.workerEnvironment) { $1 })
        }
        defer { for process in processes { process.signal(SIGKILL) } }
        let alone = try await computeOnce(period: period, database: database, people: people)

        return try await BenchmarkAPI.serving(urls.api, logger: logger) { base in
                let script = folder + "/api-load.lua"
                try """
                    local paths = {"/api/v1/runs/31825/\(period)", "/api/v1/runs/31825/\(period)/disbursements?limit=100"}
                    local i = 0
                    request = function()
                      i = i + 1
                      return wrk.format("GET", paths[(i % 2) + 1], {["Authorization"] = "Bearer \(people.readerToken)"})
                    end
                    """.write(toFile: script, atomically: true, encoding: .utf8)
                func load(seconds: Int) throws -> (ChildProcess, String) {
                    let log = folder + "/wrk-\(seconds).log"
                    return (try ChildProcess(executable: wrk, arguments: ["-t", "2", "-c", "\(connections)", "-d", "\(seconds)s", "--latency",
                                                                           "-s", script, base], logPath: log), log)
                }
                let (rest, restLog) = try load(seconds: 10)
                _ = await rest.waitForExit()
                let atRest = try WrkOutput((try? String(contentsOfFile: restLog, encoding: .utf8)) ?? "")
                for district in CaMau.communeCodes {
                    _ = try await RunCancellation.cancel(district: district, period: period, by: people.operatorIdentity, database: database)
                }
                let (busy, log) = try load(seconds: max(20, Int(alone * 2) + 10))
                try await Task.sleep(for: .seconds(2))
                let underLoad = try await computeOnce(period: period, database: database, people: people)
                _ = await busy.waitForExit()
                let figures = try WrkOutput((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
                return Result(beneficiaries: beneficiaries, workers: workers, connections: connections, runSecondsAlone: alone,
                              runSecondsUnderLoad: underLoad, requestsPerSecond: figures.requestsPerSecond, latencyP50Ms: figures.p50,
                              latencyP99Ms: figures.p99, requests: figures.requests, errors: figures.errors,
                              restRequestsPerSecond: atRest.requestsPerSecond, restLatencyP50Ms: atRest.p50, restLatencyP99Ms: atRest.p99)
        }
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
