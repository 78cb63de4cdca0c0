/// Banking days: Monday to Friday (public holidays are not counted out: a bound given in banking
/// days is then at most a holiday or two early, never late).
extension Day {
    /// Monday 0 … Sunday 6 (2000-01-01 was a Saturday).
    public var weekday: Int { (daysSince2000 % 7 + 7 + 5) % 7 }

    public var isBankingDay: Bool { weekday < 5 }

    /// The day `count` banking days before this one.
    public func bankingDays(before count: Int) -> Day {
        var day = self, left = count
        while left > 0 {
            day = Day(daysSince2000: day.daysSince2000 - 1)
            if day.isBankingDay { left -= 1 }
        }
        return day
    }
}
