import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra jobs list|show|retry|cancel|enqueue`: the queue, for operators (an admin steers it).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Inspect and steer the job queue.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Enqueue.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first, with counts by state.")
        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "Only this payout unit (3 or 5 digits).") var district: String?
        @Option(help: "Only this job kind.") var kind: String?
        @Option(help: "Only this state: available, running, retryable, completed, discarded or cancelled.")
        var state: JobState?
        @Option(help: "At most this many jobs.") var limit: Int = 50
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let listed = try await ClientFailure.exiting {
                try await server.client().get("/jobs", query: [("unit", district), ("kind", kind), ("state", state?.rawValue), ("limit", "\(limit)")],
                                              as: JobRoutes.Listed.self)
            }
            let (jobs, counts) = (listed.jobs, listed.counts)
            if json {
                print(try JobsOutput.json(jobs))
                return
            }
            print(JobState.allCases.map { "\($0.rawValue) \(counts[$0.rawValue] ?? 0)" }.joined(separator: " · "))
            guard !jobs.isEmpty else {
                print("No jobs match.")
                return
            }
            var table = TextTable("ID", "KIND", "DISTRICT", "STATE", "ATTEMPT", "RUN AT", "LAST ERROR")
            for job in jobs {
                table.add(String(job.id), job.kind.rawValue, job.districtCode, job.state.rawValue, "\(job.attempt)/\(job.maxAttempts)",
                          JobsOutput.time(job.runAt), job.lastError.map { String($0.prefix(60)) } ?? "")
            }
            print(table.rendered)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job in full, with every error.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The job id.") var id: Int64

        func run() async throws {
            let job = try await ClientFailure.exiting { try await server.client().get("/jobs/\(id)", as: JobRecord.self) }
            print(try JobsOutput.json([job]).dropFirst().dropLast().trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a failed, cancelled or scheduled job run now.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The job id.") var id: Int64

        func run() async throws {
            let job = try await ClientFailure.exiting {
                try await server.client().post("/jobs/\(id)/retry", json: [String: String](), as: JobRecord.self)
            }
            print("Job \(job.id) (\(job.kind), district \(job.districtCode)) is available again; attempt \(job.attempt) of \(job.maxAttempts) used.")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job that has not finished.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The job id.") var id: Int64

        func run() async throws {
            let job = try await ClientFailure.exiting {
                try await server.client().post("/jobs/\(id)/cancel", json: [String: String](), as: JobRecord.self)
            }
            print("Job \(job.id) (\(job.kind), district \(job.districtCode)) is cancelled.")
        }
    }

    struct Enqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue jobs by hand (diagnostics and benchmarks).")
        @OptionGroup var server: ServerOptions
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
            let body = JobRoutes.Enqueue(kind: kind, unit: district, args: args, count: count, uniqueKey: uniqueKey, maxAttempts: maxAttempts)
            let enqueued = try await ClientFailure.exiting { try await server.client().post("/jobs", json: body, as: JobRoutes.Enqueued.self) }
            guard count == 1, let id = enqueued.id else { return print("Enqueued \(enqueued.inserted) jobs.") }
            print(enqueued.inserted == 1 ? "Enqueued job \(id)." : "Nothing enqueued: job \(id) already holds that unique key.")
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
