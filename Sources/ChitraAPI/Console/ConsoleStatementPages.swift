import ChitraCore
import ChitraRails
import ChitraStore
import Foundation
import Hummingbird

/// The bank's statements in the console, where finance works them: a statement file to upload
/// (camt.053 or MT940, all or nothing, the same file again changing nothing), the statements taken
/// in, and the breaks they raised, each closed with a note or, for a second debit whose recall the
/// bank refused, recalled again.
struct ConsoleStatementPages: Sendable {
    let console: Console

    /// The roles that read the statements (finance works them; the province and auditors read).
    static func mayRead(_ identity: Identity) -> Bool { [.finance, .province, .auditor, .admin].contains(identity.role) }

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("statements") { request, _ in
            try await console.page(request, "GET /console/statements") { caller in
                let language = caller.language
                guard Self.mayRead(caller.identity) else { throw APIError(.forbidden, language.text("notAllowed")) }
                var context = console.context(caller, language: language, title: language.text("statementsTitle"), request: request)
                let finance = Access.decide(caller.identity, .handleBreaks, districts: []) == .allowed
                context["canWork"] = Access.decide(caller.identity, .importStatements, districts: []) == .allowed
                context["statements"] = try await StatementRecords.list(limit: 50, database: caller.database).map { record -> [String: Any] in
                    ["unit": record.unit, "account": record.account, "sequence": record.sequence.map(String.init) ?? language.text("notificationShort"),
                     "day": ConsoleStatementWords.day(record.day, language),
                     "opening": record.openingVND.map { Money(dong: $0).description } ?? "—",
                     "closing": record.closingVND.map { Money(dong: $0).description } ?? "—",
                     "entries": VietnameseNumber.grouped(record.entries), "outcomes": ConsoleStatementWords.outcomes(record.outcomes, language)]
                }
                context["breaks"] = try await StatementBreaks.list(database: caller.database).map { item -> [String: Any] in
                    var row: [String: Any] = [
                        "id": item.id, "unit": item.unit, "account": item.account, "day": ConsoleStatementWords.day(item.statementDay, language),
                        "kind": language.text("break." + item.kind.rawValue), "state": language.text("breakState." + item.state.rawValue),
                        "transfer": item.endToEndID ?? "", "expected": item.expectedVND.map { Money(dong: $0).description } ?? "",
                        "actual": item.actualVND.map { Money(dong: $0).description } ?? "",
                        "recall": item.recall.map { ConsoleStatementWords.recall($0, language) } ?? "",
                    ]
                    if finance {
                        row["canClose"] = true
                        row["canRecall"] = item.kind == .duplicate && item.state.canBecome(.recalling)
                    }
                    return row
                }
                return try console.render("statements", context)
            }
        }
        group.post("statements") { request, _ in
            try await console.upload(request, "POST /console/statements", back: "/console/statements", limit: Upload.maximumConfirmations) { caller, form in
                if let refusal = AccessError(Access.decide(caller.identity, .importStatements, districts: [])) { throw refusal }
                guard let file = form.file, !file.bytes.isEmpty else { throw NoFile() }
                let (format, statements) = try await StatementFile.readOffloaded(file.bytes)
                let outcome = try await StatementImport.take(statements, format: format, sha256: RegisterFile.sha256(of: file.bytes),
                                                             fileName: ConsoleCashPages.fileName(file.name), by: caller.identity, database: caller.database)
                return ConsoleStatementWords.taken(outcome, caller.language)
            }
        }
        group.post("statements/breaks/:id/:verb") { request, context in
            try await console.action(request, "POST /console/statements/breaks/{id}/{verb}", back: { _ in "/console/statements" }) { caller, form in
                guard let id = Int64(context.parameters.get("id") ?? ""), id > 0 else { throw ConsoleProblem.noSuchPage }
                // Finance alone works breaks (the database checks the unit, not the role).
                if let refusal = AccessError(Access.decide(caller.identity, .handleBreaks, districts: [])) { throw refusal }
                switch context.parameters.get("verb") {
                case "close":
                    let closed = try await StatementBreaks.close(id: id, note: form["note"] ?? "", by: caller.identity, database: caller.database)
                    return ConsoleStatementWords.closed(closed, caller.language)
                case "recall":
                    let asked = try await StatementBreaks.recallAgain(id: id, by: caller.identity, database: caller.database)
                    return ConsoleStatementWords.recalled(asked.id, caller.language)
                default: throw ConsoleProblem.noSuchPage
                }
            }
        }
    }

    /// An upload without its file.
    struct NoFile: Error, CustomStringConvertible {
        var description: String { "Choose the bank's statement file (camt.053 or MT940) first." }
    }
}
