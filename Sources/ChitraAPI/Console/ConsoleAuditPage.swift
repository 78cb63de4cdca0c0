import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The audit log for finance, the province, auditors and administrators: who did what, where and
/// when, newest first, filtered by unit, person or subject, action and days, a hundred a page.
struct ConsoleAuditPage: Sendable {
    let console: Console

    static let pageSize = 100

    /// The roles that read the audit log in the console (operators read their runs' pages).
    static func mayRead(_ identity: Identity) -> Bool {
        [.finance, .province, .auditor, .admin].contains(identity.role)
    }

    /// The filter asked for, each part checked (a unit within the caller's reach, a known action, days as typed).
    static func filter(_ query: [String: String], caller: Console.Caller) throws -> AuditLog.Filter {
        let language = caller.language
        var filter = AuditLog.Filter()
        if let asked = query["unit"], !asked.isEmpty {
            let unit = try Path.district(asked)
            if let refusal = AccessError(Access.decide(caller.identity, .read, districts: [unit])) { throw refusal }
            filter.unit = unit
        }
        if let asked = query["action"], !asked.isEmpty {
            guard let action = Action(rawValue: asked), action != .read else { throw APIError.badRequest(language.text("auditBadAction")) }
            filter.action = action
        }
        if let text = query["q"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard text.count <= 100 else { throw APIError.badRequest(language.text("auditSearchTooLong")) }
            filter.text = text
        }
        for (key, isEnd) in [("from", false), ("to", true)] {
            guard let text = query[key], !text.isEmpty else { continue }
            guard let day = ConsoleAuditWords.day(text) else { throw APIError.badRequest(language.text("auditBadDay")) }
            // "to" includes its whole day.
            let moment = VietnamTime.startOfDay(day).addingTimeInterval(isEnd ? 86_400 : 0)
            if isEnd { filter.until = moment } else { filter.since = moment }
        }
        if let asked = query["before"], !asked.isEmpty {
            guard let before = Int64(asked), before > 0 else { throw APIError.badRequest(language.text("auditBadPage")) }
            filter.before = before
        }
        return filter
    }

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("audit") { request, _ in
            try await console.page(request, "GET /console/audit") { caller in
                let language = caller.language
                guard Self.mayRead(caller.identity) else { throw APIError(.forbidden, language.text("notAllowed")) }
                let query = Console.query(request)
                let filter = try Self.filter(query, caller: caller)
                let page = try await AuditLog.page(filter, limit: Self.pageSize, database: caller.database)
                var context = console.context(caller, language: language, title: language.text("auditTitle"), request: request)
                context["unit"] = filter.unit ?? ""
                context["q"] = filter.text ?? ""
                context["from"] = query["from"] ?? ""
                context["to"] = query["to"] ?? ""
                context["actions"] = ConsoleAuditWords.recordedActions.map { action -> [String: Any] in
                    ["value": action.rawValue, "label": ConsoleAuditWords.action(action, language), "selected": action == filter.action]
                }
                context["entries"] = page.entries.map { entry -> [String: Any] in
                    [
                        "id": entry.id ?? 0, "at": entry.at.map { ConsoleMessages.moment($0, language) } ?? "",
                        "actor": entry.actor, "role": language.text("role." + entry.actorRole.rawValue),
                        "action": ConsoleAuditWords.action(entry.action, language), "actionCode": entry.action.rawValue,
                        "unit": entry.district ?? "", "period": entry.period.map { ConsoleMessages.month($0, language) } ?? "",
                        "subject": ConsoleAuditWords.subject(entry.subject, language), "changes": ConsoleAuditWords.changes(entry, language),
                    ]
                }
                if let next = page.nextBefore {
                    context["nextPage"] = ConsoleURL.link("/console/audit", query.merging(["before": String(next)]) { $1 })
                }
                return try console.render("audit", context)
            }
        }
    }
}
