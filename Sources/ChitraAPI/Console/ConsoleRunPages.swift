import ChitraCore
import ChitraStore
import Foundation
import Hummingbird

/// The month's runs by district (live progress and control totals), a run's page with its counts
/// and the actions the caller's role allows, and those actions.
struct ConsoleRunPages: Sendable {
    let console: Console

    enum Verb: String, CaseIterable {
        case approve, retry, fallback, closeCash = "close-cash", resume, cancel

        /// Moves money: a page shows what will move and asks first.
        var needsConfirmation: Bool { self != .resume && self != .cancel }

        var action: Action {
            switch self {
            case .approve: .approveRun
            case .retry: .retryTransfers
            case .fallback: .cashFallback
            case .closeCash: .closeCash
            case .resume: .resumeRun
            case .cancel: .cancelRun
            }
        }
    }

    /// A run's progress: its calculation until it is computed; once approved, its payments: how
    /// many of its disbursements reached their end (paid, paid in cash, returned, stopped). A
    /// computed month is not a paid one.
    static func progress(_ run: RunStatus, byState: [String: RunSettlement.Amounts], language: ConsoleLanguage) -> [String: Any] {
        switch run.state {
        case .approved, .paidOut, .completed:
            let total = run.disbursements
            let settled = byState.filter { DisbursementState(rawValue: $0.key)?.hasOutcome == true }.map(\.value.count).reduce(0, +)
            return ["progressMax": max(total, 1), "progressValue": settled,
                    "progressText": "\(VietnameseNumber.grouped(settled)) / \(VietnameseNumber.grouped(total)) \(language.text("progressPaid"))"]
        default:
            let members = run.members ?? 0
            let done = run.state == .planning ? 0 : run.membersDone
            return ["progressMax": max(members, 1), "progressValue": done,
                    "progressText": "\(VietnameseNumber.grouped(done)) / \(VietnameseNumber.grouped(members)) \(language.text("progressComputed"))"]
        }
    }

    static func inProgress(_ state: RunState) -> Bool { state == .planning || state == .computing }

    /// Units a page of the runs shows.
    static let pageSize = 100

    func add(to group: RouterGroup<APIRequestContext>) {
        group.get("runs") { request, _ in
            try await console.page(request, "GET /console/runs") { caller in
                let period = try Console.period(request, language: caller.language)
                let query = Console.query(request)
                let language = caller.language
                // The units paying in the month (of one province, if asked), a page at a time: a
                // country has 3,321 communes.
                let province = query["province"].flatMap { $0.count == 2 && $0.allSatisfy(\.isNumber) ? $0 : nil }
                let runs = try await RunStatus.list(period: period, districts: nil, database: caller.database)
                let districts = try await DistrictSettings.list(database: caller.database)
                    .filter { $0.pays(in: period) && (province == nil || $0.province == province) }
                let runOf = Dictionary(runs.map { ($0.district, $0) }, uniquingKeysWith: { first, _ in first })
                let shown = Set(districts.map(\.code))
                let counted = runs.filter { shown.contains($0.district) }
                struct Row { var district: DistrictSettings.District; var run: RunStatus? }
                let table = SortableTable([
                    .init(key: "district", label: language.text("district")), .init(key: "name", label: language.text("name")),
                    .init(key: "state", label: language.text("state")), .init(key: "progress", label: language.text("progress")),
                    .init(key: "count", label: language.text("disbursements"), numeric: true),
                    .init(key: "amount", label: language.text("amount"), numeric: true),
                    .init(key: "failed", label: language.text("failedShort"), numeric: true, sortable: false),
                    .init(key: "returned", label: language.text("returned"), numeric: true, sortable: false),
                ], query: query)
                let sorted = table.sorted(districts.map { d in Row(district: d, run: runOf[d.code]) }) { row, key in
                    switch key {
                    case "name": .text(row.district.name)
                    case "state": .text(row.run?.state.rawValue ?? "")
                    case "progress": .number(Int64(row.run?.membersDone ?? -1))
                    case "count": .number(Int64(row.run?.disbursements ?? -1))
                    case "amount": .number(row.run?.disbursedVND ?? -1)
                    default: .text(row.district.code)
                    }
                }
                let pages = max(1, (sorted.count + Self.pageSize - 1) / Self.pageSize)
                let page = min(max(1, query["page"].flatMap { Int($0) } ?? 1), pages)
                let rows = sorted.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize)
                // The page's runs' disbursements by state, in one read: payments' progress, failed and returned.
                let settlements = try await RunSettlement.of(runIDs: rows.compactMap { $0.run?.runID }, database: caller.database)
                var context = console.context(caller, language: language, title: "\(language.text("runsTitle")) \(ConsoleMessages.monthNumber(period, language))", request: request, period: period)
                context["columns"] = table.head(path: "/console/runs", query: query.filter { $0.key != "page" })
                context["province"] = province ?? ""
                context["unitCount"] = VietnameseNumber.grouped(sorted.count)
                if pages > 1 {
                    func link(_ target: Int) -> String {
                        var parameters = query
                        parameters["page"] = String(target)
                        return ConsoleURL.link("/console/runs", parameters)
                    }
                    var pagination: [String: Any] = ["page": page, "pages": pages]
                    if page > 1 { pagination["previous"] = link(page - 1) }
                    if page < pages { pagination["next"] = link(page + 1) }
                    context["pagination"] = pagination
                }
                context["rows"] = rows.map { row -> [String: Any] in
                    var values: [String: Any] = ["district": row.district.code, "name": row.district.name,
                                                 "state": row.run?.state.rawValue ?? "none", "stateLabel": language.state(row.run?.state.rawValue ?? "none"),
                                                 "count": row.run.map { VietnameseNumber.grouped($0.disbursements) } ?? "",
                                                 "total": row.run.map { Money(dong: $0.disbursedVND).description } ?? ""]
                    if let run = row.run {
                        let byState = settlements[run.runID]?.byState ?? [:]
                        values["run"] = Self.progress(run, byState: byState, language: language)
                        if let failed = byState[DisbursementState.failed.rawValue]?.count, failed > 0 {
                            values["failed"] = VietnameseNumber.grouped(failed)
                            values["failedLink"] = ConsoleURL.link("/console/failed", ["period": period.description, "district": run.district])
                        }
                        if let returned = byState[DisbursementState.returned.rawValue]?.count, returned > 0 {
                            values["returned"] = VietnameseNumber.grouped(returned)
                        }
                    }
                    return values
                }
                context["totalCount"] = VietnameseNumber.grouped(counted.map(\.disbursements).reduce(0, +))
                context["totalAmount"] = Money(dong: counted.map(\.disbursedVND).reduce(0, +)).description
                let triggerable = districts.filter { Access.decide(caller.identity, .triggerRun, districts: [$0.code]) == .allowed }
                context["canTrigger"] = !triggerable.isEmpty
                context["triggerDistricts"] = triggerable.map { ["code": $0.code, "name": $0.name] }
                if counted.contains(where: { Self.inProgress($0.state) }) { context["refresh"] = "3" }
                return try console.render("runs", context)
            }
        }
        group.post("runs") { request, _ in
            try await console.action(request, "POST /console/runs", back: { form in
                guard let district = form["district"], let period = form["period"], (try? Path.district(district)) != nil, let month = ConsoleMessages.period(period) else {
                    return "/console/runs"
                }
                return "/console/runs/\(district)/\(month)"
            }) { caller, form in
                let district = try Path.district(form["district"] ?? "")
                let period = try Console.period(form["period"] ?? "", language: caller.language)
                if let refusal = AccessError(Access.decide(caller.identity, .triggerRun, districts: [district])) { throw refusal }
                let outcomes = try await RunCoordinator(database: caller.database)
                    .trigger(period: period, districts: [district], by: caller.identity, autoApprove: false, force: false)
                return outcomes.map { ConsoleMessages.triggered($0, period: period, caller.language) }.joined(separator: " ")
            }
        }
        group.get("runs/:unit/:period") { request, context in
            try await console.page(request, "GET /console/runs/{unit}/{period}") { caller in
                let (district, period) = try Path.target(context)
                if let refusal = AccessError(Access.decide(caller.identity, .read, districts: [district])) { throw refusal }
                guard let run = try await RunStatus.list(period: period, districts: [district], database: caller.database).first else {
                    throw ConsoleProblem.noRun(unit: district, period: period)
                }
                return try console.render("run", try await runContext(run, caller: caller, request: request))
            }
        }
        group.post("runs/:unit/:period/:verb") { request, context in
            return try await console.action(request, "POST /console/runs/{unit}/{period}/{verb}",
                                            back: { _ in (try? Path.target(context)).map { "/console/runs/\($0.district)/\($0.period)" } ?? "/console/runs" }) { caller, form in
                let (district, period) = try Path.target(context)
                guard let verb = Verb(rawValue: context.parameters.get("verb") ?? "") else { throw ConsoleProblem.noSuchPage }
                if let refusal = AccessError(Access.decide(caller.identity, verb.action, districts: [district])) { throw refusal }
                switch verb {
                case .approve:
                    guard let count = form["count"].flatMap({ Int($0) }), let amount = form["amount"].flatMap({ Int64($0) }) else { throw Unconfirmed() }
                    let totals = try await RunApproval.approve(district: district, period: period, by: caller.identity,
                                                               shown: .init(count: count, totalVND: amount), database: caller.database)
                    return ConsoleMessages.approved(count: totals.count, total: totals.totalVND, caller.language)
                case .retry, .fallback:
                    guard let count = form["count"].flatMap({ Int($0) }) else { throw Unconfirmed() }
                    let scope = FinanceScope(district: district, period: period, reason: try ConsoleConfirmPages.reason(form["reason"], caller.language))
                    if verb == .retry {
                        let outcome = try await FinanceRerun.retry(scope, by: caller.identity, expecting: count, database: caller.database)
                        return ConsoleMessages.retried(moved: outcome.moved, of: outcome.preview.count, caller.language)
                    }
                    let outcome = try await FinanceRerun.fallBack(scope, by: caller.identity, expecting: count, database: caller.database)
                    return ConsoleMessages.fellBack(moved: outcome.moved, of: outcome.preview.count, caller.language)
                case .closeCash:
                    guard let count = form["count"].flatMap({ Int($0) }) else { throw Unconfirmed() }
                    let outcome = try await CashClosing.close(district: district, period: period, by: caller.identity, expecting: count,
                                                              database: caller.database)
                    return ConsoleMessages.cashClosed(outcome, caller.language)
                case .resume:
                    return ConsoleMessages.resumed(try await RunResumption.resume(district: district, period: period, by: caller.identity,
                                                                                  database: caller.database), caller.language)
                case .cancel:
                    let removed = try await RunCancellation.cancel(district: district, period: period, by: caller.identity, database: caller.database)
                    return ConsoleMessages.cancelled(removed: removed, caller.language)
                }
            }
        }
    }

    func runContext(_ run: RunStatus, caller: Console.Caller, request: Request) async throws -> [String: Any] {
        let language = caller.language
        let period = Period(run.period) ?? VietnamTime.today().period
        let byState = try await RunSettlement.of(runIDs: [run.runID], database: caller.database)[run.runID]?.byState ?? [:]
        let report = try await MonthlyReports.payments(district: run.district, period: period, database: caller.database)
        var context = console.context(caller, language: language, title: "\(language.text("runs")) \(run.district) · \(ConsoleMessages.month(run.period, language))",
                                      request: request, period: period)
        context.merge(Self.progress(run, byState: byState, language: language)) { $1 }
        context["stages"] = RunStages.of(run.state, membersDone: run.membersDone, members: run.members, byState: byState.mapValues(\.count))
            .map { stage -> [String: Any] in
                var values: [String: Any] = ["key": stage.key, "status": stage.status.rawValue, "label": language.text("stage.\(stage.key)"),
                                             "statusLabel": language.text("stageStatus.\(stage.status.rawValue)")]
                if let done = stage.done, let total = stage.total {
                    values["detail"] = "\(VietnameseNumber.grouped(done)) / \(VietnameseNumber.grouped(total))"
                }
                return values
            }
        context["district"] = run.district
        context["state"] = run.state.rawValue
        context["stateLabel"] = language.state(run.state.rawValue)
        context["forced"] = run.periodForced
        if let lastError = run.lastError { context["lastError"] = lastError }
        context["count"] = VietnameseNumber.grouped(run.disbursements)
        context["total"] = Money(dong: run.disbursedVND).description
        context["programs"] = run.totals.byProgram.keys.sorted().map { ["label": language.text("program." + $0), "value": Money(dong: run.totals.byProgram[$0]!).description] }
        let order: [DisbursementState] = [.computed, .approved, .submitted, .accepted, .pending, .failed, .cashInstructed, .paid, .settled, .paidCash,
                                          .returned, .stopped]
        context["states"] = order.compactMap { state -> [String: Any]? in
            guard let cell = byState[state.rawValue] else { return nil }
            return ["state": state.rawValue, "label": language.state(state.rawValue), "count": VietnameseNumber.grouped(cell.count),
                    "amount": Money(dong: cell.amountVND).description]
        }
        let methods: [(String, CountAmount)] = [("bank", report.paid.bank), ("wallet", report.paid.wallet), ("cash", report.paid.cash),
                                                ("cashHome", report.paid.cashHome)]
        context["methods"] = methods.map { ["label": language.text($0.0), "count": VietnameseNumber.grouped($0.1.count),
                                            "amount": Money(dong: $0.1.amountVND).description] }
        context["reasons"] = report.failuresByReason.keys.sorted().map {
            ["code": $0, "meaning": ReasonTexts.text($0, language).meaning, "count": VietnameseNumber.grouped(report.failuresByReason[$0]!)]
        }
        context["hasReasons"] = !report.failuresByReason.isEmpty
        let failed = byState[DisbursementState.failed.rawValue]?.count ?? 0
        let paying = run.state.isApproved
        let cashWaiting = (count: byState[DisbursementState.cashInstructed.rawValue]?.count ?? 0,
                           amountVND: byState[DisbursementState.cashInstructed.rawValue]?.amountVND ?? 0)
        let possible: [Verb: Bool] = [
            .approve: (try? RunStateMachine(run.state).approve()) != nil,
            .retry: paying && failed > 0,
            .fallback: paying && failed > 0,
            .closeCash: paying && cashWaiting.count > 0,
            .resume: run.state == .failed,
            .cancel: (try? RunStateMachine(run.state).cancel()) != nil,
        ]
        let actions = Verb.allCases.filter { possible[$0] == true && Access.decide(caller.identity, $0.action, districts: [run.district]) == .allowed }
        context["actions"] = actions.map { ["verb": $0.rawValue, "label": language.text($0.rawValue), "secondary": $0 == .cancel,
                                            "confirmFirst": $0.needsConfirmation] }
        context["hasActions"] = !actions.isEmpty
        // The post office's side: its list, and its confirmations to upload while cash waits.
        if paying, RunStages.cashStates.contains(where: { byState[$0.rawValue] != nil }) {
            var cash: [String: Any] = ["waiting": VietnameseNumber.grouped(cashWaiting.count), "waitingAmount": Money(dong: cashWaiting.amountVND).description]
            if Access.decide(caller.identity, .cashList, districts: [run.district]) == .allowed { cash["canList"] = true }
            if cashWaiting.count > 0, Access.decide(caller.identity, .confirmCash, districts: [run.district]) == .allowed { cash["canConfirm"] = true }
            context["cash"] = cash
        }
        if Self.inProgress(run.state) { context["refresh"] = "3" } else if run.state == .approved { context["refresh"] = "10" }
        return context
    }
}
