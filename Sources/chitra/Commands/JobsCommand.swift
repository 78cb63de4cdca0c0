import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra jobs list|show|retry|cancel|enqueue`: the queue, for operators.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Inspect and steer the job queue.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Enqueue.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first, with counts by state.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "Only this payout unit (3 or 5 digits).") var district: String?
        @Option(help: "Only this job kind.") var kind: String?
        @Option(help: "Only this state: available, running, retryable, completed, discarded or cancelled.")
        var state: JobState?
        @Option(help: "At most this many jobs.") var limit: Int = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let filter = JobQueue.Filter(districtCode: district, kind: kind, state: state, limit: limit)
            let (jobs, counts) = try await connection.withCaller(.read, districts: district.map { [$0] } ?? []) { database, _ in
                let queue = JobQueue(database: database)
                return (try await queue.list(filter), try await queue.countsByState(districtCode: filter.districtCode, kind: filter.kind))
            }
            if json {
                print(try JobsOutput.json(jobs))
                return
            }
            print(JobState.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: " · "))
            guard !jobs.isEmpty else {
                print("No jobs match.")
                return
            }
            var table = TextTable("ID", "KIND", "DISTRICT", "STATE", "ATTEMPT", "RUN AT", "LAST ERROR")
            for job in jobs {
                table.add(String(job.id), job.kind, job.districtCode, job.state.rawValue, "\(job.attempt)/\(job.maxAttempts)",
                          JobsOutput.time(job.runAt), job.lastError.map { String($0.prefix(60)) } ?? "")
            }
            print(table.rendered)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job in full, with every error.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The job id.") var id: Int64

        func run() async throws {
            let id = self.id
            let job = try await connection.withCaller(.read) { database, _ in try await JobQueue(database: database).show(id: id) }
            print(try JobsOutput.json([job]).dropFirst().dropLast().trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a failed, cancelled or scheduled job run now.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The job id.") var id: Int64

        func run() async throws {
            let id = self.id
            let job = try await connection.withCaller(.manageJobs) { database, caller in
                try await JobQueue(database: database).retry(id: id, by: caller)
            }
            print("Job \(job.id) (\(job.kind), district \(job.districtCode)) is available again; attempt \(job.attempt) of \(job.maxAttempts) used.")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job that has not finished.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The job id.") var id: Int64

        func run() async throws {
            let id = self.id
            let job = try await connection.withCaller(.manageJobs) { database, caller in
                try await JobQueue(database: database).cancel(id: id, by: caller)
            }
            print("Job \(job.id) (\(job.kind), district \(job.districtCode)) is cancelled.")
        }
    }

    struct Enqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue jobs by hand (diagnostics and benchmarks).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The job kind, e.g. noop or probe.record.") var kind: String
        @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
        @Option(help: "Arguments as JSON.") var args: String = "{}"
        @Option(help: "How many identical jobs.") var count: Int = 1
        @Option(help: "A unique key (only with --count 1).") var uniqueKey: String?
        @Option(help: "Attempts before the job is discarded.") var maxAttempts: Int32 = NewJob.defaultMaxAttempts

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1.") }
            guard uniqueKey == nil || count == 1 else { throw ValidationError("--unique-key needs --count 1.") }
            guard (try? JSONSerialization.jsonObject(with: Data(args.utf8))) != nil else {
                throw ValidationError("--args is not valid JSON.")
            }
        }

        func run() async throws {
            let job = NewJob(kind: kind, districtCode: district, args: args, uniqueKey: uniqueKey, maxAttempts: maxAttempts)
            let count = self.count
            let message = try await connection.withCaller(.manageJobs, districts: [district]) { database, caller in
                let (inserted, id) = try await JobQueue(database: database).enqueue(job, count: count, by: caller)
                guard count == 1, let id else { return "Enqueued \(inserted) jobs." }
                return inserted == 1 ? "Enqueued job \(id)." : "Nothing enqueued: job \(id) already holds that unique key."
            }
            print(message)
        }
    }
}

extension JobState: ExpressibleByArgument {}

enum JobsOutput {
    static func json(_ jobs: [JobRecord]) throws -> String {
        return try jsonText(jobs)
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}
