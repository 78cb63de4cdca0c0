import ChitraCore
import PostgresNIO

/// Which months a payout unit pays (đơn vị chi trả): a district until the 2025 reform, a commune
/// from it. A run of a unit in a month it does not pay is refused with the units that pay it.
public enum PayoutUnits {
    /// A payout unit and the months it pays: from `validFrom` (nil: since before the catalogue)
    /// until before `validTo` (nil: still paying).
    public struct Unit: Sendable, Hashable {
        public var code: String
        public var level: UnitLevel
        public var name: String
        public var validFrom: Day?
        public var validTo: Day?

        public func pays(in period: Period) -> Bool {
            PayoutMonths(first: validFrom?.period, last: validTo?.period.previous).contains(period)
        }

        var word: String { level == .district ? "District" : "Commune" }
    }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// The unit was abolished before `period`: `communes` communes of `provinces` pay instead.
        case abolished(Unit, period: Period, on: Day, communes: Int, provinces: String)
        /// The unit did not pay yet in `period`: `predecessors` did.
        case notYet(Unit, period: Period, predecessors: [String])

        public var description: String {
            switch self {
            case .abolished(let unit, let period, let day, let communes, let provinces):
                guard communes > 0 else {
                    return "\(unit.word) \(unit.code) (\(unit.name)) was abolished on \(day) and pays nothing in \(period)."
                }
                return "\(unit.word) \(unit.code) (\(unit.name)) was abolished on \(day); its beneficiaries are paid by \(communes) "
                    + "commune\(communes == 1 ? "" : "s") of \(provinces.isEmpty ? "its successors" : provinces) from \(day.period): "
                    + "`chitra units list --successors \(unit.code)`."
            case .notYet(let unit, let period, let predecessors):
                let from = unit.validFrom.map { "\($0.period)" } ?? "later"
                guard !predecessors.isEmpty else { return "\(unit.word) \(unit.code) (\(unit.name)) pays from \(from), not \(period)." }
                let paid = predecessors.count == 1 ? "the unit it came from: \(predecessors[0])" : "the units it came from: "
                    + predecessors.joined(separator: ", ")
                return "\(unit.word) \(unit.code) (\(unit.name)) pays from \(from); \(period) is paid by \(paid)."
            }
        }
    }

    /// The payout units named by `codes` that the caller's scope sees.
    public static func units(_ codes: [String], on connection: PostgresConnection) async throws -> [Unit] {
        var units: [Unit] = []
        for try await (code, level, name, from, to) in try await connection.send(PayoutUnitSQL.units(codes), logger: Database.quiet)
            .decode((String, String, String, String, String).self) {
            units.append(Unit(code: code, level: UnitLevel(rawValue: level) ?? .district, name: name, validFrom: Day(from), validTo: Day(to)))
        }
        return units
    }

    /// Throws the refusal for the first of `codes` that does not pay in `period`.
    public static func requirePaying(_ codes: [String], in period: Period, database: Database) async throws {
        guard !codes.isEmpty else { return }
        try await database.transaction("check the months units \(codes.joined(separator: ", ")) pay") { connection in
            try await requirePaying(codes, in: period, on: connection)
        }
    }

    /// The same, inside a transaction.
    public static func requirePaying(_ codes: [String], in period: Period, on connection: PostgresConnection) async throws {
        for unit in try await units(codes, on: connection) where !unit.pays(in: period) {
            throw try await refusal(unit, period: period, on: connection)
        }
    }

    static func refusal(_ unit: Unit, period: Period, on connection: PostgresConnection) async throws -> Refusal {
        if let end = unit.validTo, end.period <= period {
            var (communes, provinces) = (0, "")
            for try await (count, names) in try await connection.send(PayoutUnitSQL.successors(of: unit.code, on: end.description),
                                                                      logger: Database.quiet).decode((Int64, String).self) {
                (communes, provinces) = (Int(count), names)
            }
            return .abolished(unit, period: period, on: end, communes: communes, provinces: provinces)
        }
        var predecessors: [String] = []
        if let start = unit.validFrom {
            for try await code in try await connection.send(PayoutUnitSQL.predecessors(of: unit.code, on: start.description),
                                                            logger: Database.quiet).decode(String.self) {
                predecessors.append(code)
            }
        }
        return .notYet(unit, period: period, predecessors: predecessors)
    }
}
