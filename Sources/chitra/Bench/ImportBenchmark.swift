import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Logging

/// The import benchmark: a synthetic register for seven Cà Mau communes (Bạc Liêu's former districts), one file per
/// commune, each imported by a real `chitra import` process through the API (in this process) on a private PostgreSQL.
struct ImportBenchmark {
    var beneficiaries: Int
    var folder: String
    /// Seven (unequal sizes) or one (every beneficiary in commune 31825).
    var districtCount: Int = 7

    struct Result: Codable {
        struct File: Codable {
            var district: String
            var rows: Int
            var megabytes: Double
            var seconds: Double
            var output: String
        }

        var beneficiaries: Int
        var files: [File]
        var totalSeconds: Double
        var peakImportMemoryBytes: Int
        var machine = MachineState.current
        var date = ISO8601DateFormatter().string(from: Date())

        var rate: Double { Double(beneficiaries) / max(totalSeconds, 1e-9) }

        var text: String {
            var lines = [
                "Import benchmark, \(date), \(machine), PostgreSQL local with synchronous_commit on",
                String(format: "%d beneficiaries in %d files: %.1f s = %.0f rows/s; peak memory of a `chitra import` client %.0f MB",
                       beneficiaries, files.count, totalSeconds, rate, Double(peakImportMemoryBytes) / 1e6),
            ]
            for file in files {
                lines.append(String(format: "  district %@: %7d rows, %6.1f MB, %5.2f s = %7.0f rows/s",
                                    file.district, file.rows, file.megabytes, file.seconds, Double(file.rows) / max(file.seconds, 1e-9)))
            }
            if let steps = files.max(by: { $0.rows < $1.rows })?.output.split(separator: "\n").filter({ $0.hasPrefix("  ") }) {
                lines.append("steps of the largest file:")
                lines += steps.map(String.init)
            }
            return lines.joined(separator: "\n")
        }
    }

    func run() async throws -> Result {
        var logger = Logger(label: "chitra.bench")
        logger.logLevel = .error
        let districts = Array(CaMau.communeCodes.prefix(districtCount))
        // Unequal districts, as real ones are: the city has the most.
        let weights = districtCount == 1 ? [100] : [22, 16, 14, 13, 13, 11, 11]
        let policy = try PolicyTable.bundled()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var plan: [(district: String, path: String, rows: Int)] = []
        var assigned = 0
        for (index, district) in districts.enumerated() {
            let rows = index == districts.count - 1 ? beneficiaries - assigned : beneficiaries * weights[index] / 100
            assigned += rows
            let path = "\(folder)/register-\(district).csv"
            _ = try SyntheticRegisterFile.write(district: district, range: 1..<(rows + 1), generator: SyntheticRegister(policy: policy), to: path)
            plan.append((district, path, rows))
        }

        let (files, quiet) = (plan, logger)
        let cluster = try await LocalCluster.start()
        let url = cluster.ownerURL(database: "chitra_bench")
        do {
            try await AdminStatement.createDatabase("chitra_bench", on: cluster.ownerURL(), logger: logger)
            // Migrated by the owner; imported by an operator's token, through the API (`chitra serve`'s
            // role), as people import.
            let token = try await Database.withRunning(url, scope: .owner, logger: logger) { database in
                try await Migrator(database: database).migrate()
                return try await Tokens.create(TokenRequest(name: "Benchmark operator", role: .operator, districts: districts, expiresInDays: 1),
                                               by: .system("owner", districts: []), database: database).secret
            }
            let result = try await BenchmarkAPI.serving(cluster.url(.api, database: "chitra_bench"), logger: quiet) { base in
                try await importAll(files, api: base, token: token)
            }
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    /// Each file imported by a `chitra import` process, one after another, through the API at `api`.
    private func importAll(_ plan: [(district: String, path: String, rows: Int)], api: String, token: String) async throws -> Result {
        var files: [Result.File] = []
        var peakMemory = 0
        let clock = ContinuousClock()
        let start = clock.now
        for (district, path, rows) in plan {
            let fileStart = clock.now
            let log = "\(folder)/import-\(district).log"
            let process = try ChildProcess(executable: ChildProcess.executablePath,
                                           arguments: ["import", path, "--district", district, "--timings"],
                                           environment: ["CHITRA_URL": api, "CHITRA_TOKEN": token], logPath: log)
            // Sample the importer's peak memory (VmHWM) until it exits.
            let (status, peak) = await withTaskGroup(of: (status: Int32?, peak: Int?).self) { group in
                group.addTask { (await process.waitForExit(), nil) }
                group.addTask {
                    var peak = 0
                    while !Task.isCancelled {
                        peak = max(peak, process.peakMemoryBytes ?? 0)
                        try? await Task.sleep(for: .milliseconds(50))
                    }
                    return (nil, peak)
                }
                let exited = await group.next()!
                group.cancelAll()
                let sampled = await group.next()!
                return (exited.status ?? -1, sampled.peak ?? 0)
            }
            peakMemory = max(peakMemory, peak)
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            guard status == 0 else { throw ValidationError("the import of district \(district) failed: \(output)") }
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            files.append(.init(district: district, rows: rows, megabytes: Double(size) / 1e6,
                               seconds: (clock.now - fileStart).seconds, output: output))
            try? FileManager.default.removeItem(atPath: path)
        }
        let total = (clock.now - start).seconds
        return Result(beneficiaries: beneficiaries, files: files, totalSeconds: total, peakImportMemoryBytes: peakMemory)
    }
}
