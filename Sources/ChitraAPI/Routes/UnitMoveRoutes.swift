import ChitraCore
import ChitraStore
import Hummingbird

/// Moving an abolished unit's register to its successors by the lineage (province or admin): the
/// move, who waits with their candidate units, and their assignment. As `chitra units move`.
public struct UnitMoveRoutes: Sendable {
    let server: APIServer

    struct MoveBody: Decodable {
        var period: String
        static let fields: Set<String> = ["period"]
    }

    struct AssignBody: Decodable {
        struct Assignment: Decodable {
            var beneficiaryID: String
            var unit: String
            /// Where the assignment came from in the sender's file (a refusal names that line).
            var line: Int?
            enum CodingKeys: String, CodingKey { case beneficiaryID = "beneficiary_id", unit, line }
        }
        var assignments: [Assignment]
        static let fields: Set<String> = ["assignments"]
    }

    /// A move as JSON: where its people went, how many wait.
    public struct Moved: Codable, Sendable {
        public struct Destination: Codable, Sendable {
            public var unit: String
            public var unitName: String
            public var beneficiaries: Int
            enum CodingKeys: String, CodingKey { case unit, unitName = "unit_name", beneficiaries }
        }
        public var unit: String
        public var effective: String
        public var moved: [Destination]
        public var waiting: Int
        public var movedNow: Int
        public var message: String
        enum CodingKeys: String, CodingKey { case unit, effective, moved, waiting, movedNow = "moved_now", message }

        init(_ outcome: RegisterMove.Outcome) {
            unit = outcome.from
            effective = outcome.effective.description
            moved = outcome.moved.keys.sorted().map {
                Destination(unit: $0, unitName: outcome.names[$0] ?? "", beneficiaries: outcome.moved[$0] ?? 0)
            }
            waiting = outcome.waiting
            movedNow = outcome.movedNow
            message = outcome.summary
        }
    }

    public struct Waiting: Codable, Sendable {
        public struct Candidate: Codable, Sendable {
            public var unit: String
            public var unitName: String
            enum CodingKeys: String, CodingKey { case unit, unitName = "unit_name" }
        }
        public var beneficiaryID: String
        public var fullName: String
        public var oldCommune: String
        public var oldCommuneName: String
        public var candidates: [Candidate]
        enum CodingKeys: String, CodingKey {
            case beneficiaryID = "beneficiary_id", fullName = "full_name", oldCommune = "old_commune", oldCommuneName = "old_commune_name", candidates
        }
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.get("units/:unit/move") { request, context in
            try await server.respond("GET /units/{unit}/move") {
                let unit = try Path.district(context.parameters.require("unit"))
                let caller = try await Caller.authorize(request, .moveRegister, districts: [unit], server: server)
                guard let outcome = try await RegisterMove.status(from: unit, database: caller.database) else {
                    throw APIError(.notFound, RegisterMove.Failure.noMove(unit: unit).description)
                }
                return try JSONResponse.encode(Moved(outcome))
            }
        }
        api.post("units/:unit/move") { request, context in
            try await server.respond("POST /units/{unit}/move") {
                let unit = try Path.district(context.parameters.require("unit"))
                let body = try await StrictJSON.decode(MoveBody.self, from: request, fields: MoveBody.fields)
                let period = try Path.period(body.period)
                let caller = try await Caller.authorize(request, .moveRegister, districts: [unit], server: server)
                let outcome = try await RegisterMove.move(from: unit, effective: period, by: caller.identity, database: caller.database)
                return try JSONResponse.encode(Moved(outcome), status: outcome.movedNow > 0 ? .created : .ok)
            }
        }
        api.get("units/:unit/move/waiting") { request, context in
            try await server.respond("GET /units/{unit}/move/waiting") {
                let unit = try Path.district(context.parameters.require("unit"))
                let caller = try await Caller.authorize(request, .moveRegister, districts: [unit], server: server)
                let waiting = try await RegisterMove.waiting(from: unit, database: caller.database)
                return try JSONResponse.encode(waiting.map { person in
                    Waiting(beneficiaryID: person.beneficiaryID, fullName: person.fullName, oldCommune: person.oldCommune,
                            oldCommuneName: person.oldCommuneName,
                            candidates: person.candidateUnits.map { .init(unit: $0.code, unitName: $0.name) })
                })
            }
        }
        api.post("units/:unit/move/assignments") { request, context in
            try await server.respond("POST /units/{unit}/move/assignments") {
                let unit = try Path.district(context.parameters.require("unit"))
                let body = try await StrictJSON.decode(AssignBody.self, from: request, fields: AssignBody.fields)
                guard !body.assignments.isEmpty else {
                    throw APIError.badRequest("Give at least one assignment: {\"assignments\": [{\"beneficiary_id\": \"…\", \"unit\": \"31843\"}]}.")
                }
                let caller = try await Caller.authorize(request, .moveRegister, districts: [unit], server: server)
                // Each assignment is named by its line in the sender's file when all say it ("Line 7: …"),
                // else by its place in the list ("Assignment 2: …", as APIError says).
                let given = body.assignments.compactMap(\.line)
                let fileLines = given.count == body.assignments.count
                let assignments = zip(fileLines ? given : Array(1...body.assignments.count), body.assignments).map {
                    (line: $0, beneficiaryID: $1.beneficiaryID, unit: $1.unit)
                }
                let outcome: RegisterMove.Outcome
                do {
                    outcome = try await RegisterMove.assign(assignments, from: unit, by: caller.identity, database: caller.database)
                } catch let failure as RegisterMove.Failure where fileLines && failure.isAssignment {
                    throw APIError(.unprocessableContent, failure.description)
                }
                return try JSONResponse.encode(Moved(outcome), status: outcome.movedNow > 0 ? .created : .ok)
            }
        }
    }
}

private extension RegisterMove.Failure {
    var isAssignment: Bool {
        if case .assignment = self { true } else { false }
    }
}
