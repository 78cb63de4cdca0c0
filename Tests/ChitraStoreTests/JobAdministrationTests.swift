import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import PostgresNIO
import Testing

@Suite("Jobs changed by hand", .machine(limit: .minutes(2)))
struct JobAdministrationTests {
    @Test("retry, cancel and enqueue by hand write their audit entry in the change's own transaction: an entry refused takes the change with it")
    func auditedTogether() async throws {
        try await TestPostgres.withDatabase { database in
            let queue = JobQueue(database: database)
            let id = try await queue.enqueue(NewJob(kind: "noop", districtCode: "954")).id
            let admin = Identity.test("Quản trị", role: .admin)
            #expect(try await queue.cancel(id: id, by: admin).state == .cancelled)
            // An identity the audit log refuses (no name): the retry is rolled back with its entry.
            let nameless = Identity(tokenID: nil, name: "", role: .admin, districts: BacLieu.districtCodes)
            await #expect(throws: StoreError.self) { try await queue.retry(id: id, by: nameless) }
            #expect(try await queue.show(id: id).state == .cancelled)
            await #expect(throws: StoreError.self) {
                try await queue.enqueue(NewJob(kind: "noop", districtCode: "954"), count: 3, by: nameless)
            }
            #expect(try await queue.countsByState(districtCode: "954", kind: "noop").values.reduce(0, +) == 1)
            #expect(try await queue.retry(id: id, by: admin).state == .available)
            let (inserted, _) = try await queue.enqueue(NewJob(kind: "noop", districtCode: "954"), count: 3, by: admin)
            #expect(inserted == 3)
            let entries = try await AuditLog.list(district: "954", database: database).filter { $0.action == .manageJobs }
            #expect(entries.map(\.subject).sorted() == ["enqueue noop", "job \(id)", "job \(id)"])
        }
    }
}
