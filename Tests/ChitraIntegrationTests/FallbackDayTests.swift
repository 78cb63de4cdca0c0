import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import PostgresNIO
import Testing

/// A district's fallback day: from that day of the month on, still-failed transfers go to
/// the post office's list by themselves; before it, and without the setting, they wait for finance.
@Suite("Fallback day", .machine(limit: .minutes(3)))
struct FallbackDayTests {
    @Test("before the district's day nothing moves; on it every failed transfer goes to cash with its reason; off, nothing ever does")
    func fallbackDay() async throws {
        let faults = try PayoutFixture.faultFile(#"{"temporary_rejections": {"AM04": 0.4}, "temporary_arrivals": 1000}"#)
        defer { try? FileManager.default.removeItem(atPath: faults) }
        try await TestPostgres.withDatabase { database in
            let runID = try await PayoutFixture.approvedMonth(count: 200, database)
            try await BankSimulatorProcess.with(["--faults", faults]) { simulator in
                try await PayoutFixture.settle(runID, simulator, database)
            }
            let failed = try await PayoutFixture.count("SELECT count(*) FROM disbursements WHERE state = 'failed'", database)
            #expect(failed > 0)
            let june = Period("2026-06")!
            // No setting: nothing, whatever the day.
            #expect(try await RunRails.fallBackOnFallbackDay(runID: runID, today: Day(period: june.next, day: 27), database: database) == 0)
            try await DistrictSettings.setCashFallbackDay(20, district: "31825", by: .test("admin", role: .admin), database: database)
            #expect(try await RunRails.fallBackOnFallbackDay(runID: runID, today: Day(period: june, day: 19), database: database) == 0)
            #expect(try await PayoutFixture.count("SELECT count(*) FROM disbursements WHERE state = 'failed'", database) == failed)
            #expect(try await RunRails.fallBackOnFallbackDay(runID: runID, today: Day(period: june, day: 20), database: database) == failed)
            #expect(try await PayoutFixture.count(
                "SELECT count(*) FROM disbursements WHERE state = 'cash_instructed' AND fallback_reason = 'fallback day 20 after AM04'", database) == failed)
            await #expect(throws: DistrictSettings.Failure.badFallbackDay(district: "31825", day: 31)) {
                try await DistrictSettings.setCashFallbackDay(31, district: "31825", by: .test("admin", role: .admin), database: database)
            }
        }
    }
}
