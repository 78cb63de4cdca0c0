import ChitraCore
import ChitraStore
import Hummingbird

/// Moving an abolished unit's register to its successors by the lineage (province or admin): the
/// move, who waits with their candidate units, and their assignment. As `chitra units move`.
struct UnitMoveRoutes: Sendable {
    let server: APIServer

    struct MoveBody: Decodable {
        var period: String
        static let fields: Set<String> = ["period"]
    }

    struct AssignBody: Decodable {
        struct Assignment: Decodable {
            var beneficiaryID: String
            var unit: String
            enum CodingKeys: String, CodingKey { case beneficiaryID = "beneficiary_id", unit }
        }
        var assignments: [Assignment]
        static let fields: Set<String> = ["assignments"]
    }

    /// A move as JSON: where its people went, how many wait.
    struct Moved: Encodable {
        struct Destination: Encodable {
            var unit: String
            var unitName: String
            var beneficiaries: Int
            enum CodingKeys: String, CodingKey { case unit, unitName = "unit_name", beneficiaries }
        }
        var unit: String
        var effective: String
        var moved: [Destination]
        var waiting: Int
        var movedNow: Int
        var message: String
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

    struct Waiting: Encodable {
        struct Candidate: Encodable {
            var unit: String
            var unitName: String
            enum CodingKeys: String, CodingKey { case unit, unitName = "unit_name" }
        }
        var beneficiaryID: String
        var fullName: String
        var oldCommune: String
        var oldCommuneName: String
        var candidates: [Candidate]
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
                let assignments = body.assignments.enumerated().map { (line: $0.offset + 1, beneficiaryID: $0.element.beneficiaryID, unit: $0.element.unit) }
                let outcome = try await RegisterMove.assign(assignments, from: unit, by: caller.identity, database: caller.database)
                return try JSONResponse.encode(Moved(outcome), status: outcome.movedNow > 0 ? .created : .ok)
            }
        }
    }
}
