import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// Moving the registers of abolished units (province or admin): the units that held a register,
/// where each move stands, the move itself, and the people waiting for a person, each assigned
/// from a list of the units the lineage offers them — as `chitra units move`.
struct ConsoleMovePages: Sendable {
    let console: Console

    /// People waiting shown (and assigned) a page at a time: a form of 200 stays well within 16 KiB.
    static let waitingPerPage = 200

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("moves") { request, _ in
            try await console.page(request, "GET /console/moves") { caller in
                try Self.requireMover(caller)
                let language = caller.language
                let units = try await RegisterMove.abolished(database: caller.database)
                var context = console.context(caller, language: language, title: language.text("movesTitle"), request: request)
                context["units"] = units.map { unit -> [String: Any] in
                    var row: [String: Any] = ["unit": unit.unit, "name": unit.name, "effective": ConsoleMessages.monthNumber(unit.effective, language),
                                              "period": unit.effective.description, "registered": VietnameseNumber.grouped(unit.registered)]
                    if let move = unit.move {
                        row["moved"] = VietnameseNumber.grouped(move.moved)
                        row["destinations"] = VietnameseNumber.grouped(move.destinations)
                        row["waiting"] = VietnameseNumber.grouped(move.waiting)
                        row["hasWaiting"] = move.waiting > 0
                    } else {
                        row["canMove"] = true
                    }
                    return row
                }
                return try console.render("moves", context)
            }
        }
        group.get("moves/:unit") { request, context in
            try await console.page(request, "GET /console/moves/{unit}") { caller in
                try Self.requireMover(caller)
                let unit = try Path.district(context.parameters.require("unit"))
                if let refusal = AccessError(Access.decide(caller.identity, .moveRegister, districts: [unit])) { throw refusal }
                guard let outcome = try await RegisterMove.status(from: unit, database: caller.database) else {
                    throw APIError(.notFound, RegisterMove.Failure.noMove(unit: unit).description)
                }
                let waiting = try await RegisterMove.waiting(from: unit, database: caller.database)
                let language = caller.language
                var page = console.context(caller, language: language, title: "\(language.text("moveTitle")) \(unit)", request: request)
                page["unit"] = unit
                page["summary"] = Self.sentence(outcome, language: language)
                page["destinations"] = outcome.moved.keys.sorted().map {
                    ["unit": $0, "name": outcome.names[$0] ?? "", "count": VietnameseNumber.grouped(outcome.moved[$0] ?? 0)]
                }
                page["waiting"] = waiting.prefix(Self.waitingPerPage).enumerated().map { index, person -> [String: Any] in
                    ["row": index, "beneficiary": person.beneficiaryID, "name": person.fullName,
                     "oldCommune": person.oldCommuneName.isEmpty ? person.oldCommune : "\(person.oldCommune) \(person.oldCommuneName)",
                     "candidates": person.candidateUnits.map { ["code": $0.code, "name": $0.name] }]
                }
                page["hasWaiting"] = !waiting.isEmpty
                page["waitingCount"] = VietnameseNumber.grouped(waiting.count)
                page["moreWaiting"] = waiting.count > Self.waitingPerPage
                return try console.render("move", page)
            }
        }
        group.post("moves/:unit") { request, context in
            try await console.action(request, "POST /console/moves/{unit}", back: { _ in Self.back(context) }) { caller, form in
                let unit = try Path.district(context.parameters.require("unit"))
                let period = try Console.period(form["period"] ?? "", language: caller.language)
                if let refusal = AccessError(Access.decide(caller.identity, .moveRegister, districts: [unit])) { throw refusal }
                let outcome = try await RegisterMove.move(from: unit, effective: period, by: caller.identity, database: caller.database)
                return Self.sentence(outcome, language: caller.language)
            }
        }
        group.post("moves/:unit/assign") { request, context in
            try await console.action(request, "POST /console/moves/{unit}/assign", back: { _ in Self.back(context) }) { caller, form in
                let unit = try Path.district(context.parameters.require("unit"))
                if let refusal = AccessError(Access.decide(caller.identity, .moveRegister, districts: [unit])) { throw refusal }
                // Rows `id<N>` and `to<N>`: each person's id and the unit chosen (blank: still waiting).
                var assignments: [(line: Int, beneficiaryID: String, unit: String)] = []
                for row in 0..<Self.waitingPerPage {
                    guard let id = form["id\(row)"] else { break }
                    if let to = form["to\(row)"] { assignments.append((row + 1, id, to)) }
                }
                guard !assignments.isEmpty else { return caller.language.text("nothingAssigned") }
                let outcome = try await RegisterMove.assign(assignments, from: unit, by: caller.identity, database: caller.database)
                return Self.sentence(outcome, language: caller.language)
            }
        }
    }

    static func requireMover(_ caller: Console.Caller) throws {
        if let refusal = AccessError(Access.decide(caller.identity, .moveRegister, districts: [])) { throw refusal }
    }

    static func back(_ context: APIRequestContext) -> String {
        (try? Path.district(context.parameters.require("unit"))).map { "/console/moves/\($0)" } ?? "/console/moves"
    }

    /// What a move did, in the console's language.
    static func sentence(_ outcome: RegisterMove.Outcome, language: ConsoleLanguage) -> String {
        guard language == .vi else { return outcome.summary }
        var text = "Danh sách của đơn vị \(outcome.from) chuyển từ \(ConsoleMessages.month(outcome.effective, language)): "
            + "\(VietnameseNumber.grouped(outcome.movedTotal)) người sang \(VietnameseNumber.grouped(outcome.moved.count)) đơn vị"
        text += outcome.waiting == 0 ? "; không còn ai chờ gán." : "; \(VietnameseNumber.grouped(outcome.waiting)) người chờ gán đơn vị."
        if outcome.movedNow == 0 { text += " Lần này không thay đổi gì." }
        return text
    }
}
