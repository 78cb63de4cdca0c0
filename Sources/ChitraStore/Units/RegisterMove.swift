import ChitraCore
import PostgresNIO

/// Moving an abolished unit's register (a district's, on 2025-07-01) to the units that took it over,
/// by the official lineage: each beneficiary goes to the successor of their commune where the
/// lineage names one; where it names several ("Nhập một phần"), they wait for a person to assign
/// them — never by name or guess. A person waiting is paid by nobody and loses nothing: their unit
/// pays the months owed as arrears once they are assigned. History stays where it was written and
/// is read by the new unit when it computes (migration 22), so nobody is paid twice for a month.
/// One transaction, audited on both sides, idempotent.
public enum RegisterMove {
    /// Where a move's people are.
    public struct Outcome: Sendable, Hashable {
        public var moveID: Int64
        public var from: String
        public var effective: Period
        /// People moved, by destination unit.
        public var moved: [String: Int]
        /// The destination units' names.
        public var names: [String: String] = [:]
        /// People waiting for a person to assign them.
        public var waiting: Int
        /// People this call moved (0 when everything was done before: the move is idempotent).
        public var movedNow: Int

        /// People moved, to every unit.
        public var movedTotal: Int { moved.values.reduce(0, +) }

        public var summary: String {
            let total = movedTotal
            var text = "\(PayoutUnitCode.named(from))'s register moved from \(effective): \(total) beneficiar\(total == 1 ? "y" : "ies") "
                + "in \(moved.count) unit\(moved.count == 1 ? "" : "s")"
            text += waiting == 0 ? "; nobody waits." : "; \(waiting) wait\(waiting == 1 ? "s" : "") for a person to choose among the units the lineage offers."
            if movedNow == 0 { text += " Nothing changed now: the move was already made." }
            return text
        }
    }

    /// One beneficiary waiting for a person: their old commune and the candidate units.
    public struct Waiting: Sendable, Hashable {
        public var beneficiaryID: String
        public var fullName: String
        public var oldCommune: String
        public var oldCommuneName: String
        /// The units the lineage offers, by code, with their names.
        public var candidateUnits: [Candidate]

        public struct Candidate: Sendable, Hashable {
            public var code: String
            public var name: String
        }

        /// "31843 Xã Hồng Dân | 31849 Xã …", as the review file writes them.
        public var candidates: String {
            candidateUnits.map { $0.name.isEmpty ? $0.code : "\($0.code) \($0.name)" }.joined(separator: " | ")
        }
    }

    /// An abolished unit in the caller's scope, whose register moves (or moved) to its successors.
    public struct Abolished: Sendable, Hashable {
        public var unit: String
        public var name: String
        /// The first month its successors pay.
        public var effective: Period
        /// People still registered in it (those waiting for a person included).
        public var registered: Int
        /// Where the latest move stands, if one was made.
        public var move: Standing?

        public struct Standing: Sendable, Hashable {
            /// People moved, in all, and to how many units.
            public var moved: Int
            public var destinations: Int
            /// People waiting for a person.
            public var waiting: Int
        }
    }

    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case stillPays(unit: String)
        case wrongMonth(unit: String, effective: Period, asked: Period)
        case noLineage(unit: String, effective: Period)
        case openRun(unit: String, period: String, state: String)
        case noMove(unit: String)
        case assignment(line: Int, problem: String)

        public var description: String {
            switch self {
            case .stillPays(let unit):
                "\(PayoutUnitCode.named(unit)) still pays: no reform abolished it, so its register stays where it is."
            case .wrongMonth(let unit, let effective, let asked):
                "\(PayoutUnitCode.named(unit)) was abolished from \(effective), not \(asked): move it with --period \(effective)."
            case .noLineage(let unit, let effective):
                "The lineage names no successor of \(PayoutUnitCode.named(unit)) from \(effective): load the official lineage first (`chitra units load`)."
            case .openRun(let unit, let period, let state):
                "\(PayoutUnitCode.named(unit))'s run of \(period) is \(state): " + (state == "approved"
                    ? "its payments still wait for their answers; move the register once the run is completed."
                    : "approve or cancel it before the register moves, so that it reads one register.")
            case .noMove(let unit):
                "\(PayoutUnitCode.named(unit))'s register has not been moved: run `chitra units move --from \(unit) --period YYYY-MM` first."
            case .assignment(let line, let problem):
                "Line \(line): \(problem) Nothing was assigned."
            }
        }
    }

    /// Moves `unit`'s register to its successors from `effective`, the first month they pay.
    public static func move(from unit: String, effective: Period, by identity: Identity, database: Database) async throws -> Outcome {
        try await database.transaction("move the register of \(PayoutUnitCode.named(unit)) from \(effective)") { connection in
            let day = effective.description + "-01"
            try await DistrictSettings.requireKnown([unit], on: connection)
            var abolished: Period?
            for try await month in try await connection.send(RegisterMoveSQL.lockUnit(unit), logger: Database.quiet).decode(String?.self) {
                abolished = month.flatMap { Period($0) }
            }
            guard let abolished else { throw Failure.stillPays(unit: unit) }
            guard abolished == effective else { throw Failure.wrongMonth(unit: unit, effective: abolished, asked: effective) }
            guard try await count(RegisterMoveSQL.edgeCount(from: unit, effective: day), on: connection) > 0 else {
                throw Failure.noLineage(unit: unit, effective: effective)
            }
            try await requireNoOpenRun([unit], settled: true, on: connection)
            let moveID = try await count(RegisterMoveSQL.recordMove(from: unit, effective: day, by: identity.name), on: connection)
            let planned = try await count(RegisterMoveSQL.planPeople(moveID: moveID, from: unit, effective: day), on: connection)
            let movedNow = try await moveAssigned(moveID: moveID, from: unit, on: connection)
            let outcome = try await outcome(moveID: moveID, from: unit, effective: effective, movedNow: movedNow, on: connection)
            if planned > 0 || movedNow > 0 {
                try await audit(outcome, by: identity, what: "move", on: connection)
            }
            return outcome
        }
    }

    /// Assigns waiting people to one of their candidate units (`assignments`: beneficiary id and
    /// unit, with the line each came from), and moves them; every line is checked first, and one
    /// wrong line assigns nothing.
    public static func assign(_ assignments: [(line: Int, beneficiaryID: String, unit: String)], from unit: String, by identity: Identity,
                              database: Database) async throws -> Outcome {
        try await database.transaction("assign the waiting people of \(PayoutUnitCode.named(unit))") { connection in
            let (moveID, effective) = try await latestMove(from: unit, on: connection)
            var candidates: [String: (units: [String], assigned: String)] = [:]
            for try await (id, units, assigned) in try await connection.send(
                RegisterMoveSQL.candidates(moveID: moveID, ids: assignments.map(\.beneficiaryID)), logger: Database.quiet
            ).decode((String, [String], String).self) {
                candidates[id] = (units, assigned)
            }
            var seen = Set<String>()
            var pending: [(id: String, unit: String)] = []
            for assignment in assignments {
                guard let known = candidates[assignment.beneficiaryID] else {
                    throw Failure.assignment(line: assignment.line, problem: "\(assignment.beneficiaryID) is not among the people \(PayoutUnitCode.named(unit))'s move left to assign.")
                }
                guard seen.insert(assignment.beneficiaryID).inserted else {
                    throw Failure.assignment(line: assignment.line, problem: "\(assignment.beneficiaryID) is assigned twice in the file.")
                }
                if !known.assigned.isEmpty {
                    guard known.assigned == assignment.unit else {
                        throw Failure.assignment(line: assignment.line, problem: "\(assignment.beneficiaryID) already went to \(known.assigned).")
                    }
                    continue
                }
                guard known.units.contains(assignment.unit) else {
                    throw Failure.assignment(line: assignment.line, problem: "\(assignment.unit) is not one of the units the lineage offers for "
                                             + "\(assignment.beneficiaryID) (\(known.units.joined(separator: ", "))).")
                }
                pending.append((assignment.beneficiaryID, assignment.unit))
            }
            if !pending.isEmpty {
                try await connection.execute(RegisterMoveSQL.assign(moveID: moveID, ids: pending.map(\.id), units: pending.map(\.unit), by: identity.name),
                                          logger: Database.quiet)
            }
            let movedNow = try await moveAssigned(moveID: moveID, from: unit, on: connection)
            let outcome = try await outcome(moveID: moveID, from: unit, effective: effective, movedNow: movedNow, on: connection)
            if movedNow > 0 { try await audit(outcome, by: identity, what: "assign", on: connection) }
            return outcome
        }
    }

    /// The people of `unit`'s latest move who wait for a person.
    public static func waiting(from unit: String, database: Database) async throws -> [Waiting] {
        try await database.transaction("list who waits in the move of \(PayoutUnitCode.named(unit))") { connection in
            let (moveID, _) = try await latestMove(from: unit, on: connection)
            var result: [Waiting] = []
            for try await (id, name, commune, communeName, codes, names) in try await connection.send(
                RegisterMoveSQL.waiting(moveID: moveID), logger: Database.quiet).decode((String, String, String, String, [String], [String]).self) {
                let candidates = zip(codes, names).map { Waiting.Candidate(code: $0.0, name: $0.1) }
                result.append(Waiting(beneficiaryID: id, fullName: name, oldCommune: commune, oldCommuneName: communeName,
                                      candidateUnits: candidates))
            }
            return result
        }
    }

    /// Where `unit`'s latest move stands; nil when its register was never moved.
    public static func status(from unit: String, database: Database) async throws -> Outcome? {
        try await database.transaction("read the move of \(PayoutUnitCode.named(unit))") { connection in
            guard let (moveID, effective) = try await latestMoveIfAny(from: unit, on: connection) else { return nil }
            return try await outcome(moveID: moveID, from: unit, effective: effective, movedNow: 0, on: connection)
        }
    }

    /// The abolished units of the caller's scope that hold a register or moved one, with where each stands.
    public static func abolished(database: Database) async throws -> [Abolished] {
        try await database.transaction("list the abolished units") { connection in
            var units: [Abolished] = []
            for try await (unit, name, month, registered, moved, moveCounts) in try await connection.send(RegisterMoveSQL.abolished, logger: Database.quiet)
                .decode((String, String, String, Int64, Bool, [Int64]).self) {
                guard let effective = Period(month) else { continue }
                var row = Abolished(unit: unit, name: name, effective: effective, registered: Int(registered))
                if moved, moveCounts.count == 3 {
                    row.move = .init(moved: Int(moveCounts[0]), destinations: Int(moveCounts[1]), waiting: Int(moveCounts[2]))
                }
                units.append(row)
            }
            return units
        }
    }

    // MARK: - Steps

    /// Moves the rows of everyone of the move with a unit who is still in the old one; how many.
    static func moveAssigned(moveID: Int64, from unit: String, on connection: PostgresConnection) async throws -> Int {
        var destinations: [String] = []
        for try await code in try await connection.send(RegisterMoveSQL.pendingDestinations(moveID: moveID, from: unit), logger: Database.quiet)
            .decode(String.self) { destinations.append(code) }
        guard !destinations.isEmpty else { return 0 }
        // The new units' plans and imports wait; none of their runs may be half done.
        try await connection.execute(RegisterMoveSQL.lockUnits(destinations), logger: Database.quiet)
        try await requireNoOpenRun(destinations, settled: false, on: connection)
        try await connection.execute(RegisterMoveSQL.moveVersions(moveID: moveID, from: unit), logger: Database.quiet)
        return Int(try await count(RegisterMoveSQL.moveBeneficiaries(moveID: moveID, from: unit), on: connection))
    }

    static func requireNoOpenRun(_ units: [String], settled: Bool, on connection: PostgresConnection) async throws {
        for try await (unit, period, state) in try await connection.send(RegisterMoveSQL.openRun(units: units, settled: settled), logger: Database.quiet)
            .decode((String, String, String).self) {
            throw Failure.openRun(unit: unit, period: period, state: state)
        }
    }

    static func latestMove(from unit: String, on connection: PostgresConnection) async throws -> (Int64, Period) {
        guard let move = try await latestMoveIfAny(from: unit, on: connection) else { throw Failure.noMove(unit: unit) }
        return move
    }

    static func latestMoveIfAny(from unit: String, on connection: PostgresConnection) async throws -> (Int64, Period)? {
        for try await (id, month) in try await connection.send(RegisterMoveSQL.latestMove(from: unit), logger: Database.quiet)
            .decode((Int64, String).self) {
            if let period = Period(month) { return (id, period) }
        }
        return nil
    }

    static func outcome(moveID: Int64, from unit: String, effective: Period, movedNow: Int, on connection: PostgresConnection) async throws -> Outcome {
        var outcome = Outcome(moveID: moveID, from: unit, effective: effective, moved: [:], waiting: 0, movedNow: movedNow)
        for try await (destination, name, count) in try await connection.send(RegisterMoveSQL.counts(moveID: moveID), logger: Database.quiet)
            .decode((String, String, Int64).self) {
            if destination.isEmpty {
                outcome.waiting = Int(count)
            } else {
                outcome.moved[destination] = Int(count)
                outcome.names[destination] = name
            }
        }
        return outcome
    }

    /// One entry for the old unit and one for each unit that received people.
    static func audit(_ outcome: Outcome, by identity: Identity, what: String, on connection: PostgresConnection) async throws {
        var after: [String: AuditValue] = ["waiting": .number(Int64(outcome.waiting)), "moved_now": .number(Int64(outcome.movedNow))]
        for (unit, count) in outcome.moved { after["to_" + unit] = .number(Int64(count)) }
        try await AuditLog.append(AuditEntry(by: identity, .moveRegister, district: outcome.from, period: outcome.effective,
                                             subject: "register \(what) \(outcome.moveID)", after: after), on: connection)
        for (unit, count) in outcome.moved.sorted(by: { $0.key < $1.key }) {
            try await AuditLog.append(AuditEntry(by: identity, .moveRegister, district: unit, period: outcome.effective,
                                                 subject: "register \(what) \(outcome.moveID)",
                                                 after: ["from": .text(outcome.from), "beneficiaries": .number(Int64(count))]), on: connection)
        }
    }

    /// The one number `query` returns (a count, an id).
    static func count(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Int64 {
        guard let value = try await connection.first(Int64.self, query) else {
            throw StoreError.query(sqlState: nil, message: "no row came back", context: "move a register")
        }
        return value
    }
}
