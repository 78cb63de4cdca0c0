import ChitraCore
import Foundation

/// Times as ISO 20022 files carry them: local time in Vietnam, `YYYY-MM-DDTHH:MM:SS`.
public enum ISOTime {
    public static func vietnam(_ date: Date) -> String { VietnamTime.timestamp(date) }

    /// `YYYY-MM-DD` in Vietnam.
    public static func vietnamDay(_ date: Date) -> String { VietnamTime.today(date).description }
}
