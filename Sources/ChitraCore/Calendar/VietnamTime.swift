import Foundation

/// Clock readings as people in Vietnam see them (UTC+7): the current month decides which runs may
/// be triggered, the day of the month the fallback day, and payment files carry local times.
public enum VietnamTime {
    public static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        return calendar
    }

    public static func today(_ now: Date = Date()) -> Day {
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(period: Period(year: c.year!, month: c.month!)!, day: c.day!)
    }

    /// `YYYY-MM-DDTHH:MM:SS`.
    public static func timestamp(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(today(date))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    /// Midnight of `day` in Vietnam.
    public static func startOfDay(_ day: Day) -> Date {
        calendar.date(from: DateComponents(year: day.period.year, month: day.period.month, day: day.day))!
    }
}
