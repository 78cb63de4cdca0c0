import ChitraCore
import ChitraRails
import ChitraStore
import Foundation
import Hummingbird
import NIOPosix

/// Finance's side of the bank: the paying accounts' statements taken in (camt.053 or MT940, all or
/// nothing, the same file again changing nothing), and the breaks they raised, listed and closed.
public struct StatementRoutes: Sendable {
    let server: APIServer

    public struct Taken: Codable, Sendable {
        public var outcome: StatementImport.Outcome
        public var format: String
        public var message: String
    }

    struct FetchBody: Decodable {
        var unit: String
        var date: String
        var daily: Bool?
        /// Today's notifications, asked again every `every_minutes` (15 if not given) while the day lasts.
        var intraday: Bool?
        var everyMinutes: Int?
        static let fields: Set<String> = ["unit", "date", "daily", "intraday", "every_minutes"]
        enum CodingKeys: String, CodingKey { case unit, date, daily, intraday, everyMinutes = "every_minutes" }
    }

    public struct FetchAsked: Codable, Sendable {
        public var job: Int64
        /// False: the same day's statement was already asked for (that job's id).
        public var inserted: Bool
        public var message: String
    }

    struct CloseBody: Decodable {
        var note: String
        static let fields: Set<String> = ["note"]
    }

    func add(to api: RouterGroup<APIRequestContext>) {
        api.post("statements") { request, _ in
            try await server.respond("POST /statements") {
                // The name the sender gave the file (its last part, printable, at most 255 characters), recorded with the statements.
                let name = QueryParameters(request: request).text("file").map { text in
                    String(URL(fileURLWithPath: text).lastPathComponent.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }
                        .prefix(255).map(Character.init))
                }.flatMap { $0.isEmpty ? nil : $0 } ?? "statement"
                let caller = try await Caller.authorize(request, .importStatements, server: server)
                return try await Upload.withFile(of: request, limit: Upload.maximumConfirmations, caller: caller.identity, slots: server.uploads) { path in
                    let (bytes, digest) = try await NIOThreadPool.singleton.runIfActive {
                        try RegisterFile(path: path, label: "statement file").contents()
                    }
                    let (format, statements) = try await StatementFile.readOffloaded(bytes)
                    let outcome = try await StatementImport.take(statements, format: format, sha256: digest.sha256,
                                                                 fileName: name, by: caller.identity,
                                                                 database: caller.database)
                    return try JSONResponse.encode(Taken(outcome: outcome, format: format, message: outcome.description))
                }
            }
        }
        api.get("statements") { request, _ in
            try await server.respond("GET /statements") {
                let parameters = QueryParameters(request: request)
                let unit = try parameters.district()
                let day = try parameters.text("date").map { text in
                    guard let day = Day(text) else { throw APIError.badRequest("date must be written YYYY-MM-DD.") }
                    return day
                }
                let caller = try await Caller.authorize(request, .read, districts: unit.map { [$0] } ?? [], server: server)
                return try JSONResponse.encode(try await StatementRecords.list(unit: unit, day: day, database: caller.database))
            }
        }
        api.get("runs/:unit/:period/reconciliation") { request, context in
            try await server.respond("GET /runs/{unit}/{period}/reconciliation") {
                let (unit, period) = try Path.target(context)
                let caller = try await Caller.authorize(request, .read, districts: [unit], server: server)
                return try JSONResponse.encode(try await MonthReconciliation.of(unit: unit, period: period, database: caller.database))
            }
        }
        api.post("statements/fetch") { request, _ in
            try await server.respond("POST /statements/fetch") {
                let body = try await StrictJSON.decode(FetchBody.self, from: request, fields: FetchBody.fields)
                let unit = try Path.district(body.unit)
                guard let day = Day(body.date) else { throw APIError.badRequest("date must be written YYYY-MM-DD.") }
                let caller = try await Caller.authorize(request, .importStatements, districts: [unit], server: server)
                if body.intraday == true {
                    guard body.daily != true else { throw APIError.badRequest("Ask for today's notifications (intraday) or for the daily statements, not both at once.") }
                    if let minutes = body.everyMinutes, !(1...240).contains(minutes) {
                        throw APIError.badRequest("every_minutes is 1 to 240, not \(minutes).")
                    }
                    let every = body.everyMinutes.map { Duration.seconds($0 * 60) } ?? StatementJobs.notificationsEvery
                    let asked = try await StatementJobs.requestNotifications(unit: unit, day: day, every: every, today: VietnamTime.today(),
                                                                             by: caller.identity, database: caller.database)
                    let message = asked.inserted
                        ? "The notifications of \(PayoutUnitCode.named(unit)) for \(day) are asked for every \(every.components.seconds / 60) minutes while the day lasts (job \(asked.id))."
                        : "The notifications of \(PayoutUnitCode.named(unit)) for \(day) were already asked for (job \(asked.id)); nothing was added."
                    return try JSONResponse.encode(FetchAsked(job: asked.id, inserted: asked.inserted, message: message),
                                                   status: asked.inserted ? .created : .ok)
                }
                let asked = try await StatementJobs.requestFetch(unit: unit, day: day, daily: body.daily ?? false, today: VietnamTime.today(),
                                                                 by: caller.identity, database: caller.database)
                let message = asked.inserted ? "The statement of \(PayoutUnitCode.named(unit)) for \(day) is asked for (job \(asked.id))."
                    : "The statement of \(PayoutUnitCode.named(unit)) for \(day) was already asked for (job \(asked.id)); nothing was added."
                return try JSONResponse.encode(FetchAsked(job: asked.id, inserted: asked.inserted, message: message),
                                               status: asked.inserted ? .created : .ok)
            }
        }
        api.post("statements/breaks/:id/recall") { request, context in
            try await server.respond("POST /statements/breaks/{id}/recall") {
                guard let id = Int64(try context.parameters.require("id")), id > 0 else { throw APIError.badRequest("A break's id is a positive number.") }
                _ = try await StrictJSON.decode([String: String].self, from: request, fields: [])
                let caller = try await Caller.authorize(request, .handleBreaks, server: server)
                return try JSONResponse.encode(try await StatementBreaks.recallAgain(id: id, by: caller.identity, database: caller.database))
            }
        }
        api.get("statements/breaks") { request, _ in
            try await server.respond("GET /statements/breaks") {
                let parameters = QueryParameters(request: request)
                let unit = try parameters.district()
                let all = parameters.text("all")
                guard all == nil || all == "true" || all == "false" else { throw APIError.badRequest("all must be true or false.") }
                let caller = try await Caller.authorize(request, .read, districts: unit.map { [$0] } ?? [], server: server)
                return try JSONResponse.encode(try await StatementBreaks.list(unit: unit, includeClosed: all == "true", database: caller.database))
            }
        }
        api.post("statements/breaks/:id/close") { request, context in
            try await server.respond("POST /statements/breaks/{id}/close") {
                guard let id = Int64(try context.parameters.require("id")), id > 0 else { throw APIError.badRequest("A break's id is a positive number.") }
                let body = try await StrictJSON.decode(CloseBody.self, from: request, fields: CloseBody.fields)
                let caller = try await Caller.authorize(request, .handleBreaks, server: server)
                return try JSONResponse.encode(try await StatementBreaks.close(id: id, note: body.note, by: caller.identity, database: caller.database))
            }
        }
    }
}
