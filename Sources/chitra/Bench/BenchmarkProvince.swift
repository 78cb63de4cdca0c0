import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation
import Logging

/// A private PostgreSQL holding a migrated database with a synthetic register spread over the
/// first `districtCount` Cà Mau communes that took over Bạc Liêu's districts: what the run and payout benchmarks start from.
struct BenchmarkProvince {
    var beneficiaries: Int
    var districtCount: Int
    var folder: String
    /// Extra settings for the private PostgreSQL; its log is kept as `postgres.log` in `folder`.
    var settings: [String: String] = [:]
    /// Every commune of the country instead (`--national`), with its people.
    var national: NationalRegister?
    /// Once the register is in, the database moves into host `db` (and the body's URLs reach it there).
    var hosts: BenchHosts?

    var districts: [String] { national.map { $0.units.map(\.code) } ?? Array(CaMau.communeCodes.prefix(districtCount)) }

    /// Whether `settings` preload `pg_stat_statements`: the benchmark then counts the database's statements.
    static func countsStatements(_ settings: [String: String]) -> Bool {
        settings["shared_preload_libraries"]?.contains("pg_stat_statements") == true
    }

    /// The write settings of `ops/postgres/postgresql.conf` (shared buffers scaled to this
    /// machine): with the server's defaults (1 GB of WAL between checkpoints), a payout of a million
    /// rewrote every page in full after each of many checkpoints.
    static let workloadSettings = [
        "shared_buffers": "2GB",
        "max_wal_size": "8GB",
        "min_wal_size": "1GB",
        "checkpoint_timeout": "15min",
        "checkpoint_completion_target": "0.9",
        "wal_compression": "on",
        "work_mem": "64MB",
        "maintenance_work_mem": "1GB",
    ]

    static var logger: Logger {
        var logger = Logger(label: "chitra.bench")
        logger.logLevel = .error
        return logger
    }

    /// Runs `body` with the application's handle (scoped to the province's districts and the
    /// queue), the database's URL for each role (workers', the API's, and the owner's, for what only
    /// the owner may read: the statements' statistics), and the province's people.
    /// The benchmark database's URL for each role: workers', the API's, the owner's.
    struct URLs: Sendable {
        var worker: DatabaseURL
        var api: DatabaseURL
        var owner: DatabaseURL
        /// A streaming standby's, as the API (with hosts that give it a share).
        var standby: DatabaseURL?
    }

    func with<T: Sendable>(_ body: @Sendable (Database, URLs, ProvincePeople) async throws -> T) async throws -> T {
        let logger = Self.logger
        let policy = try PolicyTable.bundled()
        let districts = self.districts
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cluster = try await LocalCluster.start(settings: Self.workloadSettings.merging(settings) { $1 })
        let owner = cluster.ownerURL(database: "chitra_bench")
        let url = cluster.url(.worker, database: "chitra_bench")
        var standby: HostedCluster?
        do {
            try await AdminStatement.createDatabase("chitra_bench", on: cluster.ownerURL(), logger: logger)
            if Self.countsStatements(settings) {
                try await StatementStatistics.enable(superuser: cluster.superuserURL(database: "chitra_bench"), owner: LocalCluster.LoginRole.owner.rawValue, logger: logger)
            }
            let people = try await Database.withRunning(owner, scope: .owner, logger: logger) { database in
                try await Migrator(database: database).migrate()
                return try await ProvincePeople.make(districts: districts, owner: database)
            }
            try await Database.withRunning(url, scope: people.scope(districts), logger: logger) { database in
                let importer = RegisterImporter(database: database, policy: policy)
                if let national {
                    return try await importNation(national, importer: importer, people: people, policy: policy)
                }
                var assigned = 0
                for (index, district) in districts.enumerated() {
                    let rows = index == districts.count - 1 ? beneficiaries - assigned : beneficiaries / districts.count
                    assigned += rows
                    let path = "\(folder)/register-\(district).csv"
                    _ = try SyntheticRegisterFile.write(district: district, range: 1..<(rows + 1), generator: SyntheticRegister(policy: policy), to: path)
                    _ = try await importer.importFile(at: path, district: district, by: people.operatorIdentity)
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
            // Statistics and vacuum are the owner's work. Then the load is checkpointed: the month is
            // measured on the database as it stands days after an import, its WAL segments recycled
            // rather than created and zero-filled while the month computes (a fresh cluster's 4.5
            // million spent 4 % of the database's time creating WAL files), and no checkpoint of the
            // load's pages in the middle of the measurement.
            try await Database.withRunning(owner, scope: .owner, logger: logger) { try await RunBenchmarkStatistics.vacuumAnalyze($0) }
            try await AdminStatement.checkpoint(on: cluster.superuserURL(database: "chitra_bench"), logger: logger)
            var local = url
            var urls = URLs(worker: url, api: cluster.url(.api, database: "chitra_bench"), owner: owner)
            if let hosts {
                try await hosts.up()
                let hosted = try await cluster.moveIntoHost(hosts.placement("db"), tls: cluster.folder + "/tls",
                                                            settings: Self.workloadSettings.merging(settings) { $1 })
                local = cluster.socketURL(.worker, database: "chitra_bench")
                urls = URLs(worker: hosted.url(.worker, database: "chitra_bench"), api: hosted.url(.api, database: "chitra_bench"),
                            owner: cluster.socketURL(.owner, database: "chitra_bench"))
                if hosts.shares.standby != nil {
                    standby = try await hosted.standby(in: hosts.placement("db2"))
                    urls.standby = standby?.url(.api, database: "chitra_bench")
                }
            }
            let result = try await Database.withRunning(local, scope: people.scope(districts), logger: logger) { [urls] database in
                try await body(database, urls, people)
            }
            await standby?.cluster.stop()
            await cluster.stop(removingFolder: false)
            await hosts?.down()
            keepLog(of: cluster)
            return result
        } catch {
            await standby?.cluster.stop()
            await cluster.stop(removingFolder: false)
            await hosts?.down()
            keepLog(of: cluster)
            throw error
        }
    }

    /// Every commune's file generated and imported, two at a time (two cores), with progress.
    private func importNation(_ national: NationalRegister, importer: RegisterImporter, people: ProvincePeople, policy: PolicyTable) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let (folder, operatorIdentity) = (self.folder, people.operatorIdentity)
        var next = national.units.makeIterator()
        var first = 1, done = 0
        try await withThrowingTaskGroup(of: Void.self) { group in
            func add(_ unit: NationalRegister.Unit, first: Int) {
                group.addTask {
                    let path = "\(folder)/register-\(unit.code).csv"
                    _ = try SyntheticRegisterFile.write(district: unit.code, range: first..<(first + unit.people), generator: SyntheticRegister(policy: policy),
                                                        province: unit.province, to: path)
                    _ = try await importer.importFile(at: path, district: unit.code, by: operatorIdentity)
                    try? FileManager.default.removeItem(atPath: path)
                }
            }
            for _ in 0..<2 {
                guard let unit = next.next() else { break }
                add(unit, first: first)
                first += unit.people
            }
            while try await group.next() != nil {
                done += 1
                if done % 250 == 0 {
                    FileHandle.standardError.write(Data("imported \(done) of \(national.units.count) communes, \(String(format: "%.0f", (clock.now - start).seconds)) s\n".utf8))
                }
                guard let unit = next.next() else { continue }
                add(unit, first: first)
                first += unit.people
            }
        }
    }

    private func keepLog(of cluster: LocalCluster) {
        let kept = folder + "/postgres.log"
        try? FileManager.default.removeItem(atPath: kept)
        try? FileManager.default.copyItem(atPath: cluster.logPath, toPath: kept)
        try? FileManager.default.removeItem(atPath: cluster.folder)
    }
}
