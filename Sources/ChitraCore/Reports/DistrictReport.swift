/// One district's month for the province (or the province's, summed): who is owed, what reached
/// them and how, what failed and why, what is still on its way, and how far the district is in
/// collecting the account information that paying without cash needs.
public struct DistrictReport: Sendable, Hashable, Codable {
    public var district: String
    public var districtName: String
    public var period: Period
    /// The month's run, if any; nil for the province's sum.
    public var runState: RunState?
    /// True once the run completed: the figures were recorded then and later imports leave them.
    public var frozen: Bool
    /// People with a disbursement this month.
    public var beneficiaries: Int
    public var byProgram: [String: CountAmount]
    public var entitledVND: Int64
    public var paid: PaidByMethod
    /// Approved and not yet settled: on its way, failed awaiting a retry or finance, on a cash list.
    public var inFlight: CountAmount
    /// Computed, not yet approved.
    public var awaitingApproval: CountAmount
    public var returned: CountAmount
    public var stopped: CountAmount
    /// Transfers that fell back to cash.
    public var fallbacks: Int
    /// Disbursements whose last transfer was rejected, by ISO 20022 reason code.
    public var failuresByReason: [String: Int]
    public var accounts: AccountProgress
    /// The month before, to compare with.
    public var previous: Previous?

    /// commune, district, or province for a province's sum.
    public var unitLevel: String {
        switch district.utf8.count {
        case 5: "commune"
        case 3: "district"
        default: "province"
        }
    }

    public struct Previous: Sendable, Hashable, Codable {
        public var beneficiaries: Int
        public var entitledVND: Int64
        public var paid: CountAmount

        public init(beneficiaries: Int, entitledVND: Int64, paid: CountAmount) {
            self.beneficiaries = beneficiaries
            self.entitledVND = entitledVND
            self.paid = paid
        }

        enum CodingKeys: String, CodingKey { case beneficiaries, entitledVND = "entitled_vnd", paid }
    }

    public init(district: String, districtName: String, period: Period) {
        self.district = district
        self.districtName = districtName
        self.period = period
        runState = nil
        frozen = false
        beneficiaries = 0
        byProgram = [:]
        entitledVND = 0
        paid = PaidByMethod()
        inFlight = .zero
        awaitingApproval = .zero
        returned = .zero
        stopped = .zero
        fallbacks = 0
        failuresByReason = [:]
        accounts = AccountProgress()
        previous = nil
    }

    /// The share of people paid without cash among those paid, by count (nil while nobody is paid).
    public var nonCashShare: Double? {
        paid.total.count == 0 ? nil : Double(paid.nonCash.count) / Double(paid.total.count)
    }

    /// The same share by amount.
    public var nonCashShareOfAmount: Double? {
        paid.total.amountVND == 0 ? nil : Double(paid.nonCash.amountVND) / Double(paid.total.amountVND)
    }

    /// Settled and on its way add up to what was approved: Σ approved = paid + returned + stopped + in flight.
    public var reconciles: Bool {
        let settled = paid.total + returned + stopped + inFlight + awaitingApproval
        return settled.count == beneficiaries && settled.amountVND == entitledVND
    }

    /// Adds one district's figures into a sum (the province's).
    public mutating func add(_ other: DistrictReport) {
        beneficiaries += other.beneficiaries
        for (program, cell) in other.byProgram { byProgram[program, default: .zero] += cell }
        entitledVND += other.entitledVND
        paid = paid + other.paid
        inFlight += other.inFlight
        awaitingApproval += other.awaitingApproval
        returned += other.returned
        stopped += other.stopped
        fallbacks += other.fallbacks
        for (reason, count) in other.failuresByReason { failuresByReason[reason, default: 0] += count }
        accounts = accounts + other.accounts
        if let theirs = other.previous {
            let mine = previous ?? Previous(beneficiaries: 0, entitledVND: 0, paid: .zero)
            previous = Previous(beneficiaries: mine.beneficiaries + theirs.beneficiaries, entitledVND: mine.entitledVND + theirs.entitledVND,
                                paid: mine.paid + theirs.paid)
        }
    }

    /// The unit is `unit`, `unit_name` and `unit_level` in JSON (reports frozen before the names
    /// changed say `district` and `district_name`, and are read as well).
    enum CodingKeys: String, CodingKey {
        case district = "unit", districtName = "unit_name", unitLevel = "unit_level", formerDistrict = "district"
        case formerDistrictName = "district_name", period, runState = "run_state", frozen, beneficiaries
        case byProgram = "by_program", entitledVND = "entitled_vnd", paid, inFlight = "in_flight"
        case awaitingApproval = "awaiting_approval", returned, stopped, fallbacks, failuresByReason = "failures_by_reason"
        case nonCashShare = "non_cash_share", nonCashShareOfAmount = "non_cash_share_of_amount", accounts, previous
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        district = try c.decodeIfPresent(String.self, forKey: .district) ?? c.decode(String.self, forKey: .formerDistrict)
        districtName = try c.decodeIfPresent(String.self, forKey: .districtName) ?? c.decode(String.self, forKey: .formerDistrictName)
        period = try c.decode(Period.self, forKey: .period)
        runState = try c.decodeIfPresent(RunState.self, forKey: .runState)
        frozen = try c.decode(Bool.self, forKey: .frozen)
        beneficiaries = try c.decode(Int.self, forKey: .beneficiaries)
        byProgram = try c.decode([String: CountAmount].self, forKey: .byProgram)
        entitledVND = try c.decode(Int64.self, forKey: .entitledVND)
        paid = try c.decode(PaidByMethod.self, forKey: .paid)
        inFlight = try c.decode(CountAmount.self, forKey: .inFlight)
        awaitingApproval = try c.decode(CountAmount.self, forKey: .awaitingApproval)
        returned = try c.decode(CountAmount.self, forKey: .returned)
        stopped = try c.decode(CountAmount.self, forKey: .stopped)
        fallbacks = try c.decode(Int.self, forKey: .fallbacks)
        failuresByReason = try c.decode([String: Int].self, forKey: .failuresByReason)
        accounts = try c.decode(AccountProgress.self, forKey: .accounts)
        previous = try c.decodeIfPresent(Previous.self, forKey: .previous)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(district, forKey: .district)
        try c.encode(districtName, forKey: .districtName)
        try c.encode(unitLevel, forKey: .unitLevel)
        try c.encode(period, forKey: .period)
        try c.encodeIfPresent(runState, forKey: .runState)
        try c.encode(frozen, forKey: .frozen)
        try c.encode(beneficiaries, forKey: .beneficiaries)
        try c.encode(byProgram, forKey: .byProgram)
        try c.encode(entitledVND, forKey: .entitledVND)
        try c.encode(paid, forKey: .paid)
        try c.encode(inFlight, forKey: .inFlight)
        try c.encode(awaitingApproval, forKey: .awaitingApproval)
        try c.encode(returned, forKey: .returned)
        try c.encode(stopped, forKey: .stopped)
        try c.encode(fallbacks, forKey: .fallbacks)
        try c.encode(failuresByReason, forKey: .failuresByReason)
        try c.encode(nonCashShare, forKey: .nonCashShare)
        try c.encode(nonCashShareOfAmount, forKey: .nonCashShareOfAmount)
        try c.encode(accounts, forKey: .accounts)
        try c.encodeIfPresent(previous, forKey: .previous)
    }
}
