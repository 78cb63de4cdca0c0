/// The month's report to the province: each district's figures, their sum, and the deadline (the
/// plan wants every district's results before the 30th).
public struct ProvinceReport: Sendable, Hashable, Codable {
    public var period: Period
    /// The day it was made (Vietnam).
    public var madeOn: Day
    public var districts: [DistrictReport]
    public var total: DistrictReport
    /// Districts whose month's run is not completed (none, or still on its way).
    public var notCompleted: [String]
    /// Days from `madeOn` to the 30th of the period's month (the last day in February); negative once past.
    public var daysToDeadline: Int

    public init(period: Period, madeOn: Day, districts: [DistrictReport], provinceName: String = "Tỉnh") {
        self.period = period
        self.madeOn = madeOn
        self.districts = districts.sorted { $0.district < $1.district }
        var total = DistrictReport(district: "all", districtName: provinceName, period: period)
        for district in self.districts { total.add(district) }
        total.frozen = !districts.isEmpty && districts.allSatisfy(\.frozen)
        self.total = total
        notCompleted = self.districts.filter { $0.runState != .completed }.map(\.district)
        daysToDeadline = Self.deadline(of: period).daysSince2000 - madeOn.daysSince2000
    }

    /// The 30th of the month, or its last day when it has fewer.
    public static func deadline(of period: Period) -> Day {
        Day(period: period, day: min(30, Day.days(in: period)))
    }

    enum CodingKeys: String, CodingKey {
        case period, madeOn = "made_on", districts = "units", total, notCompleted = "not_completed", daysToDeadline = "days_to_deadline"
    }
}
