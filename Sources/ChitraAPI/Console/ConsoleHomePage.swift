import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The page an officer lands on: what waits for a person now, across months, newest first, each a
/// link to where it is done — runs to approve (with their amount), failed transfers to decide,
/// runs that failed, cash the post office has not confirmed, cash returned, months paid out that
/// wait for the bank's statements. The caller's own work
/// comes first (finance approves and decides transfers; an operator resumes runs and follows the
/// cash); what waits for someone else is shown after it, for information.
struct ConsoleHomePage: Sendable {
    let console: Console

    enum Section: String, CaseIterable {
        case toApprove, failedTransfers, failedRuns, cashWaiting, cashReturned, awaitingStatements

        func holds(_ run: RunNeedingPeople) -> Bool {
            switch self {
            case .toApprove: run.state == .computed
            case .failedTransfers: run.failedTransfers > 0
            case .failedRuns: run.state == .failed
            case .cashWaiting: run.cashWaiting > 0
            case .cashReturned: run.cashReturned > 0
            case .awaitingStatements: run.state == .paidOut
            }
        }

        /// The action whose holder this section waits for.
        var action: Action {
            switch self {
            case .toApprove: .approveRun
            case .failedTransfers: .retryTransfers
            case .failedRuns: .resumeRun
            case .cashWaiting, .cashReturned: .confirmCash
            case .awaitingStatements: .importStatements
            }
        }
    }

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("home") { request, _ in
            try await console.page(request, "GET /console/home") { caller in
                let language = caller.language
                let runs = try await RunNeedingPeople.list(database: caller.database)
                let mine = Section.allCases.filter { Access.decide(caller.identity, $0.action, districts: []) == .allowed }
                let ordered = mine + Section.allCases.filter { !mine.contains($0) }
                var context = console.context(caller, language: language, title: language.text("homeTitle"), request: request)
                context["sections"] = ordered.compactMap { section -> [String: Any]? in
                    let held = runs.filter(section.holds)
                    guard !held.isEmpty else { return nil }
                    return ["id": section.rawValue, "title": language.text("home." + section.rawValue), "yours": mine.contains(section),
                            "rows": held.map { row(section, $0, language: language) }]
                }
                return try console.render("home", context)
            }
        }
    }

    private func row(_ section: Section, _ run: RunNeedingPeople, language: ConsoleLanguage) -> [String: Any] {
        var row: [String: Any] = ["district": run.district, "name": run.name, "period": run.period,
                                  "month": ConsoleMessages.month(run.period, language), "link": "/console/runs/\(run.district)/\(run.period)"]
        switch section {
        case .toApprove:
            row["what"] = "\(VietnameseNumber.grouped(run.disbursements)) \(language.text("disbursementsShort")), "
                + "\(Money(dong: run.amountVND)) · \(language.text("triggeredBy")) \(run.triggeredBy)"
        case .failedTransfers:
            row["what"] = "\(VietnameseNumber.grouped(run.failedTransfers)) \(language.text("transfersShort")), \(Money(dong: run.failedVND))"
            row["link"] = "/console/failed?period=\(run.period)&district=\(run.district)"
        case .failedRuns:
            row["what"] = run.lastError ?? ""
        case .cashWaiting:
            row["what"] = "\(VietnameseNumber.grouped(run.cashWaiting)) \(language.text("peopleShort"))"
        case .cashReturned:
            row["what"] = "\(VietnameseNumber.grouped(run.cashReturned)) \(language.text("peopleShort"))"
        case .awaitingStatements:
            row["what"] = language.text("awaitingStatements")
            row["link"] = "/console/statements"
        }
        return row
    }
}
