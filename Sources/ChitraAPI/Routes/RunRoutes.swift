import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Runs: list and status (everyone, in their districts), trigger (operator; with auto-approval an
/// admin), approve (finance), cancel and resume (operator, finance).
public struct RunRoutes: Sendable {
    let server: APIServer

    public struct Trigger: Codable, Sendable {
        public var period: String
        public var units: [String]?
        /// Another name for `units`.
        public var districts: [String]?
        public var autoApprove: Bool?
        public var force: Bool?

        public init(period: String, units: [String]?, autoApprove: Bool?, force: Bool?) {
            self.period = period
            self.units = units
            self.autoApprove = autoApprove
            self.force = force
        }

        enum CodingKeys: String, CodingKey { case period, units, districts, autoApprove = "auto_approve", force }
        static let fields: Set<String> = ["period", "units", "districts", "auto_approve", "force"]
    }

    public struct Triggered: Codable, Sendable {
        public var district: String
        public var runID: Int64
        public var started: Bool
        public var state: String
        public var message: String
        enum CodingKeys: String, CodingKey { case district = "unit", runID = "run_id", started, state, message }
    }

    /// An approval's answer: the run's control totals and who approved it.
    public struct Approved: Codable, Sendable {
        public var totals: RunApproval.ControlTotals
        public var approvedBy: String
        enum CodingKeys: String, CodingKey { case approvedBy = "approved_by" }

        init(totals: RunApproval.ControlTotals, approvedBy: String) {
            self.totals = totals
            self.approvedBy = approvedBy
        }

        public init(from decoder: any Decoder) throws {
            totals = try RunApproval.ControlTotals(from: decoder)
            approvedBy = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .approvedBy)
        }

        public func encode(to encoder: any Encoder) throws {
            try totals.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(approvedBy, forKey: .approvedBy)
        }
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("runs") { request, _ in
            try await server.respond("GET /runs", reads: .standby) {
                let query = QueryParameters(request: request)
                let district = try query.district()
                let period = try query.period()
                let caller = try await Caller.authorize(request, .read, districts: district.map { [$0] } ?? [], server: server)
                return try JSONResponse.encode(try await RunStatus.list(period: period, districts: district.map { [$0] }, database: caller.database))
            }
        }
        api.get("runs/progress") { request, _ in
            try await server.respond("GET /runs/progress", reads: .standby) {
                let query = QueryParameters(request: request)
                let units = try query.units()
                let period = try query.period()
                let caller = try await Caller.authorize(request, .read, districts: units ?? [], server: server)
                return try JSONResponse.encode(try await RunProgressSnapshot.read(period: period, districts: units, database: caller.database))
            }
        }
        api.get("runs/:unit/:period/shards") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/shards", reads: .standby) {
                let (district, period) = try Path.target(context)
                let caller = try await Caller.authorize(request, .read, districts: [district], server: server)
                guard let run = try await RunStatus.list(period: period, districts: [district], database: caller.database).first else {
                    throw APIError(.notFound, "\(PayoutUnitCode.named(district)) has no run for \(period).")
                }
                return try JSONResponse.encode(try await RunShardRecord.list(runID: run.runID, database: caller.database))
            }
        }
        api.get("runs/:unit/:period/batches") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/batches", reads: .standby) {
                let (district, period) = try Path.target(context)
                let caller = try await Caller.authorize(request, .read, districts: [district], server: server)
                return try JSONResponse.encode(try await TransferBatchSummary.list(district: district, period: period, database: caller.database))
            }
        }
        api.post("runs") { request, _ in
            try await server.respond("POST /runs") {
                let body = try await StrictJSON.decode(Trigger.self, from: request, fields: Trigger.fields)
                let period = try Path.period(body.period)
                if body.units != nil, body.districts != nil {
                    throw APIError.badRequest("Name the units once: \"units\" and \"districts\" are two names for the same field.")
                }
                let districts = try (body.units ?? body.districts).map { try $0.map { try Path.district($0) } }
                let autoApprove = body.autoApprove ?? false
                let action: Action = body.force == true ? .forceRun : autoApprove ? .autoApprove : .triggerRun
                let caller = try await Caller.authorize(request, action, districts: districts ?? [], server: server)
                let outcomes = try await RunCoordinator(database: caller.database)
                    .trigger(period: period, districts: districts, by: caller.identity, autoApprove: autoApprove, force: body.force ?? false)
                return try JSONResponse.encode(outcomes.map { outcome -> Triggered in
                    switch outcome {
                    case .started(let district, let runID, _):
                        Triggered(district: district, runID: runID, started: true, state: RunState.planning.rawValue, message: outcome.description)
                    case .alreadyTriggered(let district, let runID, let state):
                        Triggered(district: district, runID: runID, started: false, state: state.rawValue, message: outcome.description)
                    }
                }, status: outcomes.contains { if case .started = $0 { true } else { false } } ? .created : .ok)
            }
        }
        api.get("runs/:unit/:period") { request, context in
            try await server.respond("GET /runs/{unit}/{period}", reads: .standby) {
                let (district, period) = try Path.target(context)
                let caller = try await Caller.authorize(request, .read, districts: [district], server: server)
                guard let run = try await RunStatus.list(period: period, districts: [district], database: caller.database).first else {
                    throw APIError(.notFound, "\(PayoutUnitCode.named(district)) has no run for \(period).")
                }
                return try JSONResponse.encode(run)
            }
        }
        api.post("runs/:unit/:period/approve") { request, context in
            try await server.respond("POST /runs/{unit}/{period}/approve") {
                let (district, period) = try Path.target(context)
                _ = try await StrictJSON.decode([String: String].self, from: request, fields: [])
                let caller = try await Caller.authorize(request, .approveRun, districts: [district], server: server)
                let totals = try await RunApproval.approve(district: district, period: period, by: caller.identity, database: caller.database)
                return try JSONResponse.encode(Approved(totals: totals, approvedBy: caller.identity.name))
            }
        }
        api.post("runs/:unit/:period/cancel") { request, context in
            try await server.respond("POST /runs/{unit}/{period}/cancel") {
                let (district, period) = try Path.target(context)
                _ = try await StrictJSON.decode([String: String].self, from: request, fields: [])
                let caller = try await Caller.authorize(request, .cancelRun, districts: [district], server: server)
                let removed = try await RunCancellation.cancel(district: district, period: period, by: caller.identity, database: caller.database)
                return try JSONResponse.encode(["disbursements_removed": removed])
            }
        }
        api.post("runs/:unit/:period/resume") { request, context in
            try await server.respond("POST /runs/{unit}/{period}/resume") {
                let (district, period) = try Path.target(context)
                _ = try await StrictJSON.decode([String: String].self, from: request, fields: [])
                let caller = try await Caller.authorize(request, .resumeRun, districts: [district], server: server)
                let outcome = try await RunResumption.resume(district: district, period: period, by: caller.identity, database: caller.database)
                return try JSONResponse.encode(["message": outcome.description])
            }
        }
    }
}
