import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra bench …`: benchmarks on a private PostgreSQL, results written to files.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Run a benchmark on a private database and record its figures.",
        subcommands: [Queue.self, Import.self, Run.self, Payout.self, API.self, Statements.self])

    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bulk-enqueue N no-op jobs, drain them with W worker processes, report rates and latency.")

        @Option(help: "Jobs to enqueue and drain.") var jobs: Int = 200_000
        @Option(help: "Worker processes.") var workers: Int = 1
        @Option(help: "Jobs each worker runs at once.") var concurrency: Int = 2_000
        @Option(help: "Most jobs per claim statement.") var claimBatch: Int = 1_000
        @Option(help: "Jobs enqueued one by one to measure idle wake-up latency.") var idleJobs: Int = 200
        @Flag(help: "Spread the jobs over every commune of the country (3,321), one of them holding a backlog.") var national = false
        @Option(help: "With --national, the share of the jobs that one commune holds.") var backlogShare: Double = 0.5
        @Option(help: "Where to write the figures.") var out: String = "ops/bench/results"

        func run() async throws {
            let benchmark = QueueBenchmark(jobs: jobs, workers: workers, concurrency: concurrency,
                                           claimBatch: claimBatch, idleJobs: idleJobs, national: national, backlogShare: backlogShare)
            let result = try await MachineState.probing { try await benchmark.run() }
            print(result.text)
            let files = try result.write(to: out)
            print("Written: \(files.joined(separator: ", "))")
        }
    }

    struct Statements: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read one camt.053 of N entries by the plain-XML scanner and by Foundation's XMLParser, alternately; report time an entry.")

        @Option(help: "Entries in the statement.") var entries: Int = 100_000
        @Option(help: "Reads by each.") var runs: Int = 5
        @Option(help: "Where to write the figures.") var out: String = "ops/bench/results"

        func run() async throws {
            guard entries > 0, runs > 0 else { throw ValidationError("--entries and --runs are positive.") }
            let result = try StatementReadBenchmark(entries: entries, runs: runs).run()
            print(result.text)
            print("Written: \(try BenchmarkFiles.write(name: "statements", text: result.text, json: result, to: out).joined(separator: ", "))")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a synthetic register for the seven districts and import it; report rows/s and peak memory.")

        @Option(help: "Beneficiaries in all.") var beneficiaries: Int = 1_000_000
        @Option(help: "7: one file per commune (seven of Cà Mau), of unequal sizes; 1: one file for commune 31825.") var districts: Int = 7
        @Option(help: "Where the generated files go (removed after).") var work: String = "ops/bench/tmp"
        @Option(help: "Where to write the figures.") var out: String = "ops/bench/results"

        func run() async throws {
            guard districts == 1 || districts == 7 else { throw ValidationError("--districts is 1 or 7.") }
            let (beneficiaries, work, districts) = (beneficiaries, work, districts)
            let result = try await MachineState.probing {
                try await ImportBenchmark(beneficiaries: beneficiaries, folder: work, districtCount: districts).run()
            }
            print(result.text)
            print("Written: \(try BenchmarkFiles.write(name: "import", text: result.text, json: result, to: out).joined(separator: ", "))")
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a synthetic register for the seven districts and run a month to computed; report beneficiaries/s.")

        @Option(help: "Beneficiaries in all.") var beneficiaries: Int = 1_000_000
        @Option(help: "Worker processes.") var workers: Int = 2
        @Option(help: "Jobs each worker runs at once.") var concurrency: Int = 4
        @Option(help: "Where the generated files go (removed after).") var work: String = "ops/bench/tmp"
        @Option(help: "Where to write the figures.") var out: String = "ops/bench/results"
        @Option(help: "Beneficiaries per compute job.") var shardSize: Int = RunPlanner.shardSize
        @Option(help: "Over how many of the seven districts to spread them (1 puts everyone in one district).") var districts: Int = 7
        @Flag(help: "Spread them over every commune of the 34 provinces (3,321), sized as a real country's.") var national = false
        @Option(name: .customLong("postgres-setting"),
                help: "A PostgreSQL setting for the private server, as name=value (repeatable), e.g. log_min_duration_statement=100.")
        var postgresSettings: [String] = []
        @Option(help: "PostgreSQL and each worker on a host of ops/hosts with its CPU share, e.g. db=1,api=0.25,worker=0.25,load=0.25 (root; from the package's root folder).")
        var hosts: String?

        func run() async throws {
            guard (1...7).contains(districts) else { throw ValidationError("--districts must be 1 to 7.") }
            let settings = try BenchCommand.postgresSettings(postgresSettings)
            var benchmark = RunBenchmark(beneficiaries: beneficiaries, workers: workers, concurrency: concurrency, folder: work,
                                         shardSize: shardSize, districtCount: districts, settings: settings)
            benchmark.hosts = try hosts.map { try BenchHosts(shares: BenchHosts.Shares(parsing: $0), workers: workers) }
            if national {
                let country = try NationalRegister(total: beneficiaries, on: Day(period: Period(year: 2026, month: 6)!, day: 1))
                let sizes = country.sizes
                print("The country: \(country.units.count) communes, from \(sizes.smallest) to \(sizes.largest) beneficiaries (median \(sizes.median))")
                benchmark.national = country
            }
            let prepared = benchmark
            let result = try await MachineState.probing { try await prepared.run() }
            print(result.text)
            print("Written: \(try BenchmarkFiles.write(name: "run", text: result.text, json: result, to: out).joined(separator: ", "))")
        }
    }

    struct API: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api",
            abstract: "wrk against run status and disbursement pages while a month computes; requests/s, p99, and the run's slowdown.")

        @Option(help: "Beneficiaries in all.") var beneficiaries: Int = 1_000_000
        @Option(help: "Worker processes.") var workers: Int = 2
        @Option(help: "wrk's connections.") var connections: Int = 16
        @Option(help: "Where the generated files go.") var work: String = "ops/bench/tmp"
        @Option(help: "Where to write the figures.") var out: String = "ops/bench/results"
        @Option(help: "Each part on a host of ops/hosts with its CPU share, e.g. db=1,api=0.5,worker=0.25,load=0.25 (root; from the package's root folder).")
        var hosts: String?
        @Option(help: "Pace the load while the month computes to this many requests a second (default: as fast as the connections go).")
        var rate: Int?
        @Flag(help: "Count the database's statements for the load at rest (pg_stat_statements) and print them.")
        var statements = false

        func validate() throws {
            if let hosts { _ = try BenchHosts.Shares(parsing: hosts) }
            if let rate, rate < 1 { throw ValidationError("--rate must be at least 1.") }
        }

        func run() async throws {
            let (beneficiaries, workers, connections, work, rate, counting) = (beneficiaries, workers, connections, work, rate, statements)
            let hosts = try self.hosts.map { try BenchHosts(shares: BenchHosts.Shares(parsing: $0), workers: workers) }
            let result = try await MachineState.probing {
                try await APIBenchmark(beneficiaries: beneficiaries, workers: workers, connections: connections, folder: work, hosts: hosts, rate: rate,
                                       countsStatements: counting).run()
            }
            print(result.text)
            print("Written: \(try BenchmarkFiles.write(name: "api", text: result.text, json: result, to: out).joined(separator: ", "))")
        }
    }

    struct Payout: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a synthetic province's month, then pay it through chitra-banksim until every disbursement is terminal; report disbursements/s.")

        @Option(help: "Beneficiaries in all (about one disbursement each).") var beneficiaries: Int = 1_000_000
        @Option(help: "Worker processes.") var workers: Int = 2
        @Option(help: "Jobs each worker runs at once.") var concurrency: Int = 4
        @Option(help: "The simulator's faults: none, realistic or a JSON file.") var faults: String = "realistic"
        @Option(help: "Transfers per payment file or wallet batch.") var batchSize: Int = TransferBatching.maximumTransfers
        @Option(help: "Where the generated files go (removed after).") var work: String = "ops/bench/tmp"
        @Option(help: "Where to write the figures.") var out: String = "ops/bench/results"
        @Option(name: .customLong("postgres-setting"),
                help: "A PostgreSQL setting for the private server, as name=value (repeatable), e.g. auto_explain.log_analyze=on.")
        var postgresSettings: [String] = []

        func run() async throws {
            let (beneficiaries, workers, concurrency, faults, work, batchSize) = (beneficiaries, workers, concurrency, faults, work, batchSize)
            let settings = try BenchCommand.postgresSettings(postgresSettings)
            let result = try await MachineState.probing {
                try await PayoutBenchmark(beneficiaries: beneficiaries, workers: workers, concurrency: concurrency, faults: faults,
                                          folder: work, batchSize: batchSize, settings: settings).run()
            }
            print(result.text)
            print("Written: \(try BenchmarkFiles.write(name: "payout", text: result.text, json: result, to: out).joined(separator: ", "))")
        }
    }
}

extension BenchCommand {
    /// `--postgres-setting` values (name=value) as settings for the private server.
    static func postgresSettings(_ given: [String]) throws -> [String: String] {
        var settings: [String: String] = [:]
        for setting in given {
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--postgres-setting takes name=value, not \(setting)") }
            settings[parts[0]] = parts[1]
        }
        return settings
    }
}
