/// Dates as PostgreSQL subtracts them: `d - date '2000-01-01'` is a plain integer, far cheaper to
/// send and read than text for the millions of dates a run reads.
extension Day {
    /// The day `days` after 2000-01-01 (negative before it), in the proleptic Gregorian calendar.
    public init(daysSince2000 days: Int) {
        // Howard Hinnant's civil-from-days, shifted from 1970-01-01 (10,957 days before 2000-01-01).
        let z = days + 10_957 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.init(period: Period(index: year * 12 + month - 1), day: day)
    }

    /// Days from 2000-01-01 to this day (Hinnant's days-from-civil): the inverse of `init(daysSince2000:)`.
    public var daysSince2000: Int {
        let year = period.year - (period.month <= 2 ? 1 : 0)
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let shiftedMonth = period.month > 2 ? period.month - 3 : period.month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468 - 10_957
    }
}

extension Period {
    /// The month of the day `days` after 2000-01-01.
    public init(daysSince2000 days: Int) {
        self = Day(daysSince2000: days).period
    }
}
