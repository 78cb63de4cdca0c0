import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The queue, as `chitra jobs` shows and steers it: jobs of the caller's units with counts by state
/// (everyone reads), one job in full, and an admin's retry, cancel and enqueue by hand, each audited
/// in the change's transaction.
public struct JobRoutes: Sendable {
    let server: APIServer

    public struct Listed: Codable, Sendable {
        public var jobs: [JobRecord]
        /// By state's name, every state counted (0 included).
        public var counts: [String: Int]
    }

    public struct Enqueue: Codable, Sendable {
        public var kind: String
        public var unit: String
        /// The job's arguments, as JSON text.
        public var args: String?
        public var count: Int?
        public var uniqueKey: String?
        public var maxAttempts: Int32?
        enum CodingKeys: String, CodingKey { case kind, unit, args, count, uniqueKey = "unique_key", maxAttempts = "max_attempts" }
        static let fields: Set<String> = ["kind", "unit", "args", "count", "unique_key", "max_attempts"]

        public init(kind: String, unit: String, args: String?, count: Int?, uniqueKey: String?, maxAttempts: Int32?) {
            self.kind = kind
            self.unit = unit
            self.args = args
            self.count = count
            self.uniqueKey = uniqueKey
            self.maxAttempts = maxAttempts
        }
    }

    public struct Enqueued: Codable, Sendable {
        public var inserted: Int
        /// For one job: its id, or that of the live job holding its unique key.
        public var id: Int64?
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("jobs") { request, _ in
            try await server.respond("GET /jobs") {
                let query = QueryParameters(request: request)
                let unit = try query.district()
                var state: JobState?
                if let text = query.text("state") {
                    guard let value = JobState(rawValue: text) else {
                        throw APIError.badRequest("state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
                    }
                    state = value
                }
                let filter = JobQueue.Filter(districtCode: unit, kind: query.text("kind"), state: state,
                                             limit: try query.integer("limit", in: 1...1_000, default: 50))
                let caller = try await Caller.authorize(request, .read, districts: unit.map { [$0] } ?? [], server: server)
                let queue = JobQueue(database: caller.database)
                let counts = try await queue.countsByState(districtCode: filter.districtCode, kind: filter.kind)
                return try JSONResponse.encode(Listed(jobs: try await queue.list(filter),
                                                      counts: Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0.rawValue, counts[$0] ?? 0) })))
            }
        }
        api.get("jobs/:id") { request, context in
            try await server.respond("GET /jobs/{id}") {
                let id = try Self.id(context)
                let caller = try await Caller.authorize(request, .read, server: server)
                return try JSONResponse.encode(try await JobQueue(database: caller.database).show(id: id))
            }
        }
        // An admin's retry and cancel of one job, each audited with the change.
        for (name, change) in [("retry", JobQueue.retry), ("cancel", JobQueue.cancel)] as [(String, @Sendable (JobQueue) -> (Int64, Identity) async throws -> JobRecord)] {
            api.post(RouterPath("jobs/:id/" + name)) { request, context in
                try await server.respond("POST /jobs/{id}/" + name) {
                    let id = try Self.id(context)
                    _ = try await StrictJSON.decode([String: String].self, from: request, fields: [])
                    let caller = try await Caller.authorize(request, .manageJobs, server: server)
                    return try JSONResponse.encode(try await change(JobQueue(database: caller.database))(id, caller.identity))
                }
            }
        }
        api.post("jobs") { request, _ in
            try await server.respond("POST /jobs") {
                let body = try await StrictJSON.decode(Enqueue.self, from: request, fields: Enqueue.fields)
                let unit = try Path.district(body.unit)
                let count = body.count ?? 1
                guard (1...100_000).contains(count) else { throw APIError.badRequest("count must be from 1 to 100000.") }
                guard body.uniqueKey == nil || count == 1 else { throw APIError.badRequest("unique_key needs count 1.") }
                let args = body.args ?? "{}"
                guard (try? JSONSerialization.jsonObject(with: Data(args.utf8))) != nil else { throw APIError.badRequest("args is not valid JSON.") }
                let caller = try await Caller.authorize(request, .manageJobs, districts: [unit], server: server)
                let job = NewJob(kind: JobKind(body.kind), districtCode: unit, args: args, uniqueKey: body.uniqueKey,
                                 maxAttempts: body.maxAttempts ?? NewJob.defaultMaxAttempts)
                let (inserted, id) = try await JobQueue(database: caller.database).enqueue(job, count: count, by: caller.identity)
                return try JSONResponse.encode(Enqueued(inserted: inserted, id: id), status: inserted > 0 ? .created : .ok)
            }
        }
    }

    static func id(_ context: APIRequestContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")), id > 0 else { throw APIError.badRequest("A job id is a positive number.") }
        return id
    }
}
