import ChitraCore
import ChitraStore
import Foundation
import Logging

/// A private PostgreSQL holding a migrated database with a synthetic register spread over the
/// first `districtCount` Bạc Liêu districts: what the run and payout benchmarks start from.
struct BenchmarkProvince {
    var beneficiaries: Int
    var districtCount: Int
    var folder: String
    /// Extra settings for the private PostgreSQL; its log is kept as `postgres.log` in `folder`.
    var settings: [String: String] = [:]

    var districts: [String] { Array(BacLieu.districtCodes.prefix(districtCount)) }

    static var logger: Logger {
        var logger = Logger(label: "chitra.bench")
        logger.logLevel = .error
        return logger
    }

    func with<T: Sendable>(_ body: @Sendable (Database, DatabaseURL) async throws -> T) async throws -> T {
        let logger = Self.logger
        let policy = try PolicyTable.bundled()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cluster = try await LocalCluster.start(settings: settings)
        let url = cluster.url(database: "chitra_bench")
        do {
            try await AdminStatement.createDatabase("chitra_bench", on: cluster.url(), logger: logger)
            let result = try await Database.withRunning(url, logger: logger) { database in
                try await Migrator(database: database).migrate()
                let importer = RegisterImporter(database: database, policy: policy)
                var assigned = 0
                for (index, district) in districts.enumerated() {
                    let rows = index == districts.count - 1 ? beneficiaries - assigned : beneficiaries / districts.count
                    assigned += rows
                    let path = "\(folder)/register-\(district).csv"
                    _ = try SyntheticRegisterFile.write(district: district, range: 1..<(rows + 1), generator: SyntheticRegister(policy: policy), to: path)
                    _ = try await importer.importFile(at: path, district: district)
                    try? FileManager.default.removeItem(atPath: path)
                }
                try await RunBenchmarkStatistics.vacuumAnalyze(database)
                return try await body(database, url)
            }
            await cluster.stop(removingFolder: false)
            keepLog(of: cluster)
            return result
        } catch {
            await cluster.stop(removingFolder: false)
            keepLog(of: cluster)
            throw error
        }
    }

    private func keepLog(of cluster: LocalCluster) {
        let kept = folder + "/postgres.log"
        try? FileManager.default.removeItem(atPath: kept)
        try? FileManager.default.copyItem(atPath: cluster.logPath, toPath: kept)
        try? FileManager.default.removeItem(atPath: cluster.folder)
    }
}
