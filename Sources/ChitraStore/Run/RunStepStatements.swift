import ChitraCore
import PostgresNIO

// The statements of the plan and compute steps that a country's month sends once for each of its
// 3,321 communes (a plan computing its lone shard), prepared: each connection parses them once and,
// after a few calls, keeps a generic plan instead of parsing, analysing and planning every call anew
// (as unnamed statements their parsing and planning cost about half as much as executing them,
// `ops/bench/results/run.md`). Dates come back as 'YYYY-MM'.

/// The run a plan works on, if it is still planning under this generation: unit, period and the
/// register import of its snapshot; locked for update (the plan changes the run).
struct PlanningRun: PostgresPreparedStatement {
    typealias Row = (String, String, Int64)
    static let sql = """
        SELECT unit_code, to_char(period, 'YYYY-MM'), coalesce(register_import_id, 0)
        FROM runs WHERE id = $1 AND generation = $2 AND state = 'planning' FOR UPDATE
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int4]
    var runID: Int64
    var generation: Int32
    func makeBindings() throws -> PostgresBindings { try Self.bindings(runID, generation) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The run a compute job works on, if it is still computing under this generation, held in KEY
/// SHARE: shards side by side (KEY SHARE does not conflict with their updates of the run), while a
/// cancel or an approval (FOR UPDATE) waits for them. The run's row is always the first lock taken.
struct ComputingRun: PostgresPreparedStatement {
    typealias Row = (String, String, Int64)
    static let sql = """
        SELECT unit_code, to_char(period, 'YYYY-MM'), coalesce(register_import_id, 0)
        FROM runs WHERE id = $1 AND generation = $2 AND state = 'computing' FOR KEY SHARE
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int4]
    var runID: Int64
    var generation: Int32
    func makeBindings() throws -> PostgresBindings { try Self.bindings(runID, generation) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Plans and imports of a unit take turns: a plan's snapshot is the register after every import
/// committed before it, and an import after the plan keeps copies of what it changes. (NO KEY
/// UPDATE: a run inserted for the unit, which only checks its key, is not blocked.)
struct UnitLockedForPlan: PostgresPreparedStatement {
    typealias Row = String
    static let sql = "SELECT code FROM payout_units WHERE code = $1 FOR NO KEY UPDATE"
    static let bindingDataTypes: [PostgresDataType] = [.text]
    var unit: String
    func makeBindings() throws -> PostgresBindings { try Self.bindings(unit) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Another run of the unit still computing, its month: a run reads what earlier runs paid, so the
/// unit's runs compute one after the other.
struct OtherRunComputing: PostgresPreparedStatement {
    typealias Row = String
    static let sql = "SELECT to_char(period, 'YYYY-MM') FROM runs WHERE unit_code = $1 AND id <> $2 AND state = 'computing' LIMIT 1"
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8]
    var unit: String
    var runID: Int64
    func makeBindings() throws -> PostgresBindings { try Self.bindings(unit, runID) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The snapshot's mark: the last import id given out, of any unit. The unit's own imports wait for
/// the plan (they take the unit's row, as the plan does), so everyone in its register now — imported
/// here, or moved in from an abolished unit with an import id of that unit's — has an id up to the
/// mark, and whoever an import adds after the plan has a greater one.
struct SnapshotMark: PostgresPreparedStatement {
    typealias Row = Int64
    static let sql = "SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::int8 FROM register_imports_id_seq"
    func makeBindings() throws -> PostgresBindings { PostgresBindings() }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The unit's members (everyone entitled from the period or earlier) in id order, as one `TabText`
/// value: the plan keeps every `shardSize`-th id as a shard's first.
struct PlanMemberIDs: PostgresPreparedStatement {
    typealias Row = String
    static let sql = #"""
        SELECT coalesce(string_agg(beneficiary_id, E'\n' ORDER BY beneficiary_id), '') FROM beneficiaries
        WHERE unit_code = $1 AND eligible_from <= $2
        """#
    static let bindingDataTypes: [PostgresDataType] = [.text, .date]
    var unit: String
    var period: Period
    func makeBindings() throws -> PostgresBindings { try Self.bindings(unit, period) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// The plan recorded: snapshot, members and shards; the run computes (still `planning` when it has
/// no members: `ComputingFinished` moves it on at once). Returns the approval settings; no row when
/// the run is not planning.
struct PlanRecorded: PostgresPreparedStatement {
    typealias Row = (Bool, Bool)
    static let sql = """
        UPDATE runs SET register_import_id = $2, members = $3, shards = $4, updated_at = now(),
                        state = (CASE WHEN $3 > 0 THEN 'computing' ELSE state::text END)::run_state
        WHERE id = $1 AND state = 'planning'
        RETURNING auto_approve, (SELECT approval_required FROM payout_units WHERE code = runs.unit_code)
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int8, .int4, .int4]
    var runID: Int64
    var registerImportID: Int64
    var members: Int32
    var shards: Int32
    func makeBindings() throws -> PostgresBindings { try Self.bindings(runID, registerImportID, members, shards) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// One shard more done (its record moved to done in the same transaction, once). Returns the
/// shards done and planned, and the approval settings; no row when the run is not computing under
/// this generation (cancelled or re-triggered meanwhile).
struct ShardCounted: PostgresPreparedStatement {
    typealias Row = (Int32, Int32?, Bool, Bool)
    static let sql = """
        UPDATE runs SET shards_done = shards_done + 1, members_done = members_done + $3, updated_at = now()
        WHERE id = $1 AND generation = $2 AND state = 'computing'
        RETURNING shards_done, shards, auto_approve, (SELECT approval_required FROM payout_units WHERE code = runs.unit_code)
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int4, .int4]
    var runID: Int64
    var generation: Int32
    var members: Int32
    func makeBindings() throws -> PostgresBindings { try Self.bindings(runID, generation, members) }
    func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
}

/// Every shard done: the run becomes `state` (computed, or approved at once: who approved is
/// recorded by `RunSQL.recordApproval`), and the unit counts the period as computed (an import's
/// change without change_from then applies from the month after).
struct ComputingFinished: PostgresPreparedStatement {
    typealias Row = ()
    static let sql = """
        WITH moved AS (
            UPDATE runs SET state = $2::run_state, updated_at = now()
            WHERE id = $1 AND state IN ('planning', 'computing')
            RETURNING unit_code, period
        )
        UPDATE payout_units SET computed_through = greatest(computed_through, moved.period)
        FROM moved WHERE payout_units.code = moved.unit_code
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .text]
    var runID: Int64
    var state: RunState
    func makeBindings() throws -> PostgresBindings { try Self.bindings(runID, state.rawValue) }
    func decodeRow(_ row: PostgresRow) throws -> Row { () }
}

/// The plan's shards, pending.
struct ShardsRecorded: PostgresPreparedStatement {
    typealias Row = ()
    static let sql = """
        INSERT INTO run_shards (run_id, shard, unit_code, generation, lower_id, upper_id)
        SELECT $1, shard, $2, $3, lower_id, NULLIF(upper_id, '')
        FROM unnest($4::int4[], $5::text[], $6::text[]) AS u(shard, lower_id, upper_id)
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .text, .int4, .int4Array, .textArray, .textArray]
    var runID: Int64
    var unit: String
    var generation: Int32
    var shards: [Int32]
    var lowers: [String]
    var uppers: [String]
    func makeBindings() throws -> PostgresBindings {
        var bindings = try Self.bindings(runID, unit, generation)
        bindings.append(shards)
        bindings.append(lowers)
        bindings.append(uppers)
        return bindings
    }
    func decodeRow(_ row: PostgresRow) throws -> Row { () }
}

/// The shard done, with what it wrote and the job (and attempt) that wrote it; nothing when it was
/// done already.
struct ShardDone: PostgresPreparedStatement {
    typealias Row = ()
    static let sql = """
        UPDATE run_shards SET state = 'done', members = $3, disbursements = $4, amount_vnd = $5, job_id = $6, attempt = $7, done_at = now()
        WHERE run_id = $1 AND shard = $2 AND state = 'pending'
        """
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int4, .int4, .int4, .int8, .int8, .int4]
    var runID: Int64
    var shard: Int32
    var members: Int32
    var disbursements: Int32
    var amount: Int64
    var jobID: Int64?
    var attempt: Int32?
    func makeBindings() throws -> PostgresBindings {
        var bindings = try Self.bindings(runID, shard, members, disbursements)
        bindings.append(amount)
        bindings.append(jobID)
        bindings.append(attempt)
        return bindings
    }
    func decodeRow(_ row: PostgresRow) throws -> Row { () }
}

extension PostgresConnection {
    /// The statement's first row, if any.
    func first<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> Statement.Row? {
        for try await row in try await send(statement, logger: Database.quiet) { return row }
        return nil
    }

    /// A statement whose rows, if any, are not wanted, read to the end (its errors thrown here).
    func perform<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws {
        for try await _ in try await send(statement, logger: Database.quiet) {}
    }
}

extension PostgresPreparedStatement {
    /// The bindings of a statement's leading values, in order.
    static func bindings(_ values: any PostgresEncodable & Sendable...) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { try bindings.append(value) }
        return bindings
    }
}
