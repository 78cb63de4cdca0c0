import ChitraCore
import Foundation
import Testing

@Suite("Dates as days since 2000-01-01")
struct DaysSince2000Tests {
    @Test("known days, leap days and negative offsets")
    func knownDays() {
        #expect(Day(daysSince2000: 0).description == "2000-01-01")
        #expect(Day(daysSince2000: 59).description == "2000-02-29")
        #expect(Day(daysSince2000: 60).description == "2000-03-01")
        #expect(Day(daysSince2000: -1).description == "1999-12-31")
        #expect(Day(daysSince2000: 9_283).description == "2025-06-01")
        #expect(Period(daysSince2000: 9_312).description == "2025-06")
    }

    @Test("every day from 1950 to 2100 agrees with Foundation's Gregorian calendar")
    func agreesWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let origin = try #require(calendar.date(from: DateComponents(year: 2000, month: 1, day: 1)))
        for days in stride(from: -18_262, through: 36_890, by: 1) {
            let date = origin.addingTimeInterval(Double(days) * 86_400)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let day = Day(daysSince2000: days)
            guard day.period.year == parts.year, day.period.month == parts.month, day.day == parts.day else {
                Issue.record("day \(days): \(day) but Foundation says \(parts)")
                return
            }
        }
    }
}
