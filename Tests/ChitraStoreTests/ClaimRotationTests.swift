import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

@Suite("The claim across many units", .machine(limit: .minutes(3)))
struct ClaimRotationTests {
    static let owner = "rotation-test"

    @Test("with more units than a claim holds, claims go round the units: the last commune's one job comes within units ÷ batch claims, behind no one's backlog")
    func rotation() async throws {
        try await TestPostgres.withDatabase { database in
            // 300 communes; every one but the last holds 20 jobs, the last holds one.
            let units = (0..<300).map { String(30_000 + $0 * 3) }
            let queue = JobQueue(database: database.scoped(Scope(districts: units)))
            try await queue.enqueue(units.dropLast().flatMap { unit in (0..<20).map { _ in NewJob(kind: "noop", districtCode: unit) } })
            try await queue.enqueue([NewJob(kind: "noop", districtCode: units.last!)])
            var cursor = ClaimCursor()
            var claims = 0, reached: Set<String> = []
            while !reached.contains(units.last!), claims < 20 {
                let claimed = try await queue.claim(limit: 50, owner: Self.owner, lease: .seconds(30), after: cursor.after)
                cursor.advance(past: claimed.map(\.districtCode))
                // A claim takes one job from each of 50 units in turn.
                #expect(claimed.count == 50 && Set(claimed.map(\.districtCode)).count == 50)
                reached.formUnion(claimed.map(\.districtCode))
                claims += 1
            }
            #expect(claims == 6 && reached.count == 300, "\(claims) claims reached \(reached.count) units")
            // The next claim starts again at the first unit.
            let next = try await queue.claim(limit: 50, owner: Self.owner, lease: .seconds(30), after: cursor.after)
            #expect(next.map(\.districtCode).min() == units.first)
        }
    }

    @Test("the cursor moves to the last unit a claim reached, round to the start")
    func cursor() {
        var cursor = ClaimCursor()
        cursor.advance(past: ["00004", "00008", "31825"])
        #expect(cursor.after == "31825")
        cursor.advance(past: ["31900", "32248"])
        #expect(cursor.after == "32248")
        // Round to the start: the claim ended at 00008.
        cursor.advance(past: ["00004", "00008"])
        #expect(cursor.after == "00008")
        cursor.advance(past: [])
        #expect(cursor.after == "00008")
    }
}
