import ChitraCore
import Foundation
import PostgresNIO

/// The month's report to the province, per district and summed, made from the disbursements and
/// the register in the caller's scope. A completed run's figures are frozen on the run when it
/// completes (`freeze`) and read from there ever after.
public enum MonthlyReports {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case frozenReportUnreadable(district: String, period: Period)

        public var description: String {
            switch self {
            case .frozenReportUnreadable(let district, let period):
                "The frozen report of district \(district) for \(period) cannot be read; it was written by another version of Chitra."
            }
        }
    }

    /// The report for `period` over `districts` (nil: every unit the caller sees that pays in
    /// `period`); an unknown unit, or one that does not pay in `period`, is refused by name.
    public static func make(period: Period, districts codes: [String]? = nil, province: String? = nil, today: Day = VietnamTime.today(),
                            database: Database) async throws -> ProvinceReport {
        let reports = try await database.transaction("make the report of \(period)") { connection in
            if let codes {
                try await DistrictSettings.requireKnown(codes, on: connection)
                try await PayoutUnits.requirePaying(codes, in: period, on: connection)
            }
            var names: [(code: String, name: String)] = []
            for try await (code, name) in try await connection.send(ReportSQL.districts(codes, paying: period, province: province), logger: Database.quiet)
                .decode((String, String).self) {
                names.append((code, name))
            }
            var frozen: [String: DistrictReport] = [:]
            var states: [String: RunState] = [:]
            for try await (district, state, report) in try await connection.send(ReportSQL.runs(names.map(\.code), period: period),
                                                                                  logger: Database.quiet).decode((String, String, String?).self) {
                states[district] = RunState(rawValue: state)
                if let report {
                    guard let decoded = try? JSONDecoder().decode(DistrictReport.self, from: Data(report.utf8)) else {
                        throw Failure.frozenReportUnreadable(district: district, period: period)
                    }
                    frozen[district] = decoded
                }
            }
            let live = names.filter { frozen[$0.code] == nil }
            var computed = try await compute(live, period: period, on: connection)
            for index in computed.indices { computed[index].runState = states[computed[index].district] }
            return names.compactMap { name in frozen[name.code] ?? computed.first { $0.district == name.code } }
        }
        return ProvinceReport(period: period, madeOn: today, districts: reports, provinceName: "Toàn tỉnh")
    }

    /// Each unit of `report` beside the unit(s) it came from in `earlier`, through the lineage (the
    /// same unit when no reform came between): the former units' report of `earlier`, summed.
    public static func compare(_ report: ProvinceReport, with earlier: Period, database: Database) async throws -> [UnitComparison] {
        let units = report.districts.map(\.district)
        let (formers, asked) = try await database.transaction("find the units before \(report.period)") { connection in
            var formers: [String: [String]] = [:]
            for try await (unit, olds) in try await connection.send(ReportSQL.formerUnits(units, after: earlier, through: report.period),
                                                                    logger: Database.quiet).decode((String, [String]).self) {
                formers[unit] = olds
            }
            // The former units the caller sees that paid in `earlier`.
            let before = Array(Set(units.map { formers[$0] ?? [$0] }.joined()))
            let asked = try await PayoutUnits.units(before, on: connection).filter { $0.pays(in: earlier) }.map(\.code)
            return (formers, asked)
        }
        let earlierReport = asked.isEmpty ? [] : try await make(period: earlier, districts: asked, database: database).districts
        let byUnit = Dictionary(uniqueKeysWithValues: earlierReport.map { ($0.district, $0) })
        return report.districts.map { unit in
            let olds = formers[unit.district] ?? [unit.district]
            var sum = DistrictReport(district: olds.joined(separator: " "), districtName: "", period: earlier)
            for old in olds { if let figures = byUnit[old] { sum.add(figures) } }
            return UnitComparison(unit: unit, formerUnits: formers[unit.district] ?? [], before: sum)
        }
    }

    /// One district's payment figures for `period` as they stand, for a run's page (refreshed every
    /// few seconds while it computes): the disbursements alone, without the register scan of the
    /// account-information figures or the month before.
    public static func payments(district: String, period: Period, database: Database) async throws -> DistrictReport {
        try await database.transaction("count the payments of district \(district)") { connection in
            var report = DistrictReport(district: district, districtName: "", period: period)
            try await addDisbursements([district], period: period, on: connection) { _, figures in report.add(figures) }
            return report
        }
    }

    /// Records the reports of the runs just completed on them, in the completing transaction.
    static func freeze(runIDs: [Int64], on connection: PostgresConnection) async throws {
        for runID in runIDs {
            var target: (district: String, name: String, period: String)?
            for try await row in try await connection.send(ReportSQL.runToFreeze(runID), logger: Database.quiet).decode((String, String, String).self) {
                target = row
            }
            guard let target, let period = Period(target.period) else { continue }
            guard var report = try await compute([(target.district, target.name)], period: period, on: connection).first else { continue }
            report.runState = .completed
            report.frozen = true
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try await connection.execute(ReportSQL.freeze(runID, report: String(decoding: try encoder.encode(report), as: UTF8.self)),
                                       logger: Database.quiet)
        }
    }

    /// The figures of `districts` for `period` and the month before, as they stand now.
    static func compute(_ districts: [(code: String, name: String)], period: Period, on connection: PostgresConnection) async throws
        -> [DistrictReport] {
        guard !districts.isEmpty else { return [] }
        let codes = districts.map(\.code)
        var reports = Dictionary(uniqueKeysWithValues: districts.map { ($0.code, DistrictReport(district: $0.code, districtName: $0.name, period: period)) })
        try await addDisbursements(codes, period: period, on: connection) { district, row in reports[district]?.add(row) }
        var previous: [String: DistrictReport] = [:]
        try await addDisbursements(codes, period: period.previous, on: connection) { district, row in
            previous[district, default: DistrictReport(district: district, districtName: "", period: period.previous)].add(row)
        }
        for (district, before) in previous {
            reports[district]?.previous = .init(beneficiaries: before.beneficiaries, entitledVND: before.entitledVND, paid: before.paid.total)
        }
        let rows = try await connection.send(ReportSQL.accounts(codes, period: period), logger: Database.quiet)
        for try await (district, active, cccd, phone, account, canOpen, missing, authorised, recipientsMissing) in rows.decode(
            (String, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self) {
            var progress = AccountProgress()
            progress.active = Int(active)
            progress.withCCCD = Int(cccd)
            progress.withPhone = Int(phone)
            progress.withAccount = Int(account)
            progress.canOpen = Int(canOpen)
            progress.missingDocuments = Int(missing)
            progress.authorisedRecipients = Int(authorised)
            progress.recipientsMissingDocuments = Int(recipientsMissing)
            reports[district]?.accounts = progress
        }
        return codes.compactMap { reports[$0] }
    }

    private static func addDisbursements(_ codes: [String], period: Period, on connection: PostgresConnection,
                                         _ add: (String, DisbursementFigures) -> Void) async throws {
        let rows = try await connection.send(ReportSQL.disbursements(codes, period: period), logger: Database.quiet)
        for try await (district, program, method, state, reason, fellBack, count, amount) in rows.decode(
            (String, String, String, String, String, Bool, Int64, Int64).self) {
            guard let state = DisbursementState(rawValue: state), let method = PaymentMethod(rawValue: method) else {
                throw StoreError.query(sqlState: nil, message: "unknown state \(state) or method \(method)", context: "make the report of \(period)")
            }
            add(district, DisbursementFigures(program: program, method: method, state: state, failureReason: reason.isEmpty ? nil : reason,
                                              fellBack: fellBack, cell: CountAmount(count: Int(count), amountVND: amount)))
        }
    }
}

/// One group of a month's disbursements: same program, method, state, last failure and fallback.
struct DisbursementFigures {
    var program: String
    var method: PaymentMethod
    var state: DisbursementState
    var failureReason: String?
    var fellBack: Bool
    var cell: CountAmount
}

extension DistrictReport {
    mutating func add(_ figures: DisbursementFigures) {
        let cell = figures.cell
        beneficiaries += cell.count
        entitledVND += cell.amountVND
        byProgram[figures.program, default: .zero] += cell
        if figures.fellBack { fallbacks += cell.count }
        if let reason = figures.failureReason { failuresByReason[reason, default: 0] += cell.count }
        switch figures.state {
        case .paid, .settled:
            switch figures.method {
            case .bank: paid.bank += cell
            case .wallet: paid.wallet += cell
            case .cash: paid.cash += cell
            case .cashHome: paid.cashHome += cell
            }
        case .paidCash:
            if figures.method == .cashHome { paid.cashHome += cell } else { paid.cash += cell }
        case .returned: returned += cell
        case .stopped: stopped += cell
        case .computed: awaitingApproval += cell
        case .approved, .submitted, .accepted, .pending, .failed, .cashInstructed: inFlight += cell
        }
    }
}
