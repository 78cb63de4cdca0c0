import Foundation

/// Times as ISO 20022 files carry them: local time in Vietnam, `YYYY-MM-DDTHH:MM:SS`.
public enum ISOTime {
    public static func vietnam(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }

    /// `YYYY-MM-DD` in Vietnam.
    public static func vietnamDay(_ date: Date) -> String { String(vietnam(date).prefix(10)) }
}
