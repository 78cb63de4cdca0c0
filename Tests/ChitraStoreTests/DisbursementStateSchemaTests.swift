import ChitraCore
import ChitraStore
import ChitraTesting
import Testing

/// The schema's copy of the disbursement states: the transitions its trigger allows and the state
/// a person is shown are the Swift tables', every pair of them.
@Suite("Disbursement states in the schema", .machine(limit: .minutes(2)))
struct DisbursementStateSchemaTests {
    @Test("the schema allows exactly the transitions of DisbursementState.allowed, and sees states as DisbursementState.seen")
    func schemaAgrees() async throws {
        try await TestPostgres.withDatabase { database in
            let states = DisbursementState.allCases.map(\.rawValue)
            var allowed: Set<[String]> = []
            for try await (from, to) in try await database.client.query("""
                SELECT a, b FROM unnest(\(states)::text[]) a, unnest(\(states)::text[]) b WHERE a <> b AND disbursement_transition_allowed(a, b)
                """).decode((String, String).self) { allowed.insert([from, to]) }
            let expected = Set(DisbursementState.allowed.flatMap { from, next in next.map { [from.rawValue, $0.rawValue] } })
            #expect(allowed == expected)

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
}
