import ChitraCore
import PostgresNIO

/// What finance names when it re-runs failed transfers or sends them to cash: a district's month,
/// narrowed by batch (MsgId), reason code and rail. Only `failed` transfers are ever in it.
public struct FinanceScope: Sendable, Hashable, CustomStringConvertible {
    public var district: String
    public var period: Period
    public var batch: String?
    public var reason: String?
    public var rail: Rail?

    public init(district: String, period: Period, batch: String? = nil, reason: String? = nil, rail: Rail? = nil) {
        self.district = district
        self.period = period
        self.batch = batch
        self.reason = reason
        self.rail = rail
    }

    public var description: String {
        var text = "district \(district), \(period)"
        if let batch { text += ", batch \(batch)" }
        if let reason { text += ", reason \(reason)" }
        if let rail { text += ", \(rail.rawValue) only" }
        return text
    }

    /// The failed transfers in scope: count and amount by rail and reason.
    public struct Preview: Sendable, Hashable, Codable {
        public struct Group: Sendable, Hashable, Codable {
            public var rail: Rail
            public var reason: String
            public var count: Int
            public var amount: Money
        }

        public var runID: Int64
        public var groups: [Group]
        public var count: Int { groups.reduce(0) { $0 + $1.count } }
        public var amount: Money { groups.reduce(Money.zero) { $0 + $1.amount } }
    }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case noRun(district: String, period: Period)
        case notApproved(district: String, period: Period, state: String)
        case cashRail

        public var description: String {
            switch self {
            case .noRun(let district, let period): "\(PayoutUnitCode.named(district)) has no run for \(period)."
            case .notApproved(let district, let period, let state):
                "The run of district \(district) for \(period) is \(state): nothing of it has been sent, so nothing has failed."
            case .cashRail: "Cash is not re-run: the post office's list is confirmed or closed (chitra cash confirm, chitra cash close)."
            }
        }
    }

    var rails: [Rail] { rail.map { [$0] } ?? [.bank, .wallet] }

    func scope(runID: Int64, rail: Rail) -> TransferScope {
        TransferScope(runID: runID, district: district, rail: rail, selection: .failed(batchMessageID: batch, reason: reason))
    }

    /// The run of the scope; refuses a month with no run, or one not approved.
    func runID(on connection: PostgresConnection) async throws -> Int64 {
        guard rail != .cash else { throw Refusal.cashRail }
        for try await (id, state) in try await connection.send(FinanceSQL.run(district: district, period: period), logger: Database.quiet)
            .decode((Int64, String).self) {
            guard RunState(rawValue: state)?.isApproved ?? false else {
                throw Refusal.notApproved(district: district, period: period, state: state)
            }
            return id
        }
        throw Refusal.noRun(district: district, period: period)
    }

    func preview(on connection: PostgresConnection) async throws -> Preview {
        let runID = try await runID(on: connection)
        var groups: [Preview.Group] = []
        for rail in rails {
            for try await (reason, count, amount) in try await connection.send(FinanceSQL.failed(scope(runID: runID, rail: rail)), logger: Database.quiet)
                .decode((String, Int64, Int64).self) {
                groups.append(Preview.Group(rail: rail, reason: reason, count: Int(count), amount: Money(dong: amount)))
            }
        }
        return Preview(runID: runID, groups: groups)
    }

    public func preview(database: Database) async throws -> Preview {
        try await database.transaction("read the failed transfers of \(self)") { try await preview(on: $0) }
    }
}

enum FinanceSQL {
    static func run(district: String, period: Period) -> PostgresQuery {
        "SELECT id, state::text FROM runs WHERE unit_code = \(district) AND period = \(period)"
    }

    static func failed(_ scope: TransferScope) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: "SELECT coalesce(d.failure_reason, ''), count(*), sum(d.amount_vnd)::int8 FROM disbursements d WHERE ")
        scope.appendWhere(to: &query)
        query.sql += " GROUP BY 1 ORDER BY 1"
        return query
    }

    static func failedIDs(_ scope: TransferScope) -> PostgresQuery {
        var query = PostgresQuery(unsafeSQL: "SELECT d.end_to_end_id, coalesce(d.failure_reason, '') FROM disbursements d WHERE ")
        scope.appendWhere(to: &query)
        query.sql += " FOR UPDATE"
        return query
    }
}
