import ChitraCore
import ChitraStore
import ChitraTesting
import PostgresNIO
import Testing

/// The schema's copy of the state a person is shown (`disbursement_state_seen`) is
/// `DisbursementState.seen`, for every stored state, rail and run state. (The transitions the
/// schema allows are checked against `DisbursementState.canBecome(_:rail:)` in RunFailurePathTests.)
/// The schema's state functions are inlined into the statements that call them: a SQL function
/// PostgreSQL cannot inline runs as a query of its own at every row.
@Suite("Disbursement states in the schema", .machine(limit: .minutes(2)))
struct DisbursementStateSchemaTests {
    @Test("the schema sees a disbursement's state as DisbursementState.seen does")
    func schemaAgrees() async throws {
        try await TestPostgres.withDatabase { database in
            let states = DisbursementState.allCases.map(\.rawValue)
            var seen: [String: String] = [:]
            for try await (stored, rail, run, state) in try await database.client.query("""
                SELECT s, r, u::text, disbursement_state_seen(s, r, u)
                FROM unnest(\(states)::text[]) s, unnest(\(Rail.allCases.map(\.rawValue))::text[]) r, unnest(enum_range(NULL::run_state)) u
                """).decode((String, String, String, String).self) { seen["\(stored) \(rail) \(run)"] = state }
            #expect(seen.count == DisbursementState.allCases.count * Rail.allCases.count * RunState.allCases.count)
            for stored in DisbursementState.allCases {
                for rail in Rail.allCases {
                    for run in RunState.allCases {
                        #expect(seen["\(stored.rawValue) \(rail.rawValue) \(run.rawValue)"]
                                == DisbursementState.seen(stored: stored, rail: rail, runState: run).rawValue)
                    }
                }
            }
        }
    }

    @Test("the state functions are inlined into the statements that call them, not called at every row")
    func inlined() async throws {
        try await TestPostgres.withDatabase { database in
            for (function, call) in [("disbursement_state_seen", "disbursement_state_seen(s, 'cash', u)"),
                                     ("run_transition_allowed", "run_transition_allowed(u, u)"),
                                     ("disbursement_transition_allowed", "disbursement_transition_allowed(s, s)")] {
                var plan: [String] = []
                for try await line in try await database.client.query(PostgresQuery(unsafeSQL: """
                    EXPLAIN (VERBOSE, COSTS OFF) SELECT \(call)
                    FROM unnest(ARRAY['computed', 'paid']) s, unnest(enum_range(NULL::run_state)) u
                    """)).decode(String.self) { plan.append(line) }
                #expect(!plan.joined(separator: "\n").contains(function), "\(function) is called, not inlined: \(plan)")
            }
        }
    }
}
