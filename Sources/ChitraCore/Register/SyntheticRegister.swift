/// A deterministic synthetic register for demos, tests and benchmarks: a realistic mix of
/// programs, categories, payment methods and recipients, written as import-file CSV.
public struct SyntheticRegister: Sendable {
    public let policy: PolicyTable
    public let seed: UInt64

    public init(policy: PolicyTable, seed: UInt64 = 95) {
        self.policy = policy
        self.seed = seed
    }

    public static var header: String { RegisterColumn.allCases.map(\.rawValue).joined(separator: ",") }

    /// The id of the `index`-th beneficiary of `district` (a district of Bạc Liêu, BL…, or a
    /// commune of any province since the reform, DV… for đơn vị).
    public static func id(district: String, index: Int) -> String {
        let digits = String(index)
        return (district.utf8.count == 5 ? "DV" : "BL") + district + "-" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
    }

    /// Row `index` of the payout unit `district`, as a CSV line without its line break. A district's
    /// rows name it and one of twenty made-up communes; a commune's name the commune and no district.
    /// `province`: the first digits of the people's CCCDs (where their births were registered).
    /// `paidThrough`: the last month paid before Chitra (the newcomers, one in twenty, are entitled
    /// from the five months before it and paid nothing yet); `communes`: a district's real communes
    /// (the catalogue's), one picked per person, instead of made-up codes.
    public func line(district: String, index: Int, province: String = "95", paidThrough lastPaid: Period = Period(year: 2026, month: 5)!,
                     communes: [String] = []) -> String {
        var random = SplitMix(state: seed &+ UInt64(index) &* 0x9E37_79B9 &+ (UInt64(district) ?? 0) << 40)
        let program: Program = random.below(100) < 30 ? .ncc : .btxh
        let categories = program == .ncc ? Self.nccCategories : Self.btxhCategories
        let category = categories[random.below(categories.count)]
        let isCommune = district.utf8.count == 5
        let commune = isCommune ? district : communes.isEmpty ? "\(district)\(10 + random.below(20))" : communes[random.below(communes.count)]
        let cccdPrefix = "0" + province
        let firstMonth = Period(year: 2022, month: 1)!.advanced(by: random.below(48))
        let cccd = random.below(100) < 5 ? "" : cccdPrefix + random.digits(9)
        let phone = random.below(100) < 70 ? "09" + random.digits(8) : ""
        // Legacy data: most people were paid before Chitra through `lastPaid` (May 2026 by default); one in twenty is new,
        // with a few months of arrears (entitled from the five months before it, nothing paid yet).
        let isNew = random.below(100) < 5
        let paidThrough = isNew ? "" : lastPaid.description
        let eligibleFrom = isNew ? lastPaid.advanced(by: -4 + random.below(5)) : min(firstMonth, lastPaid)
        let ended = random.below(1000) < 15
        let eligibleUntil = ended ? eligibleFrom.advanced(by: 6 + random.below(12)).description : ""
        // Deaths from 2024 on, where every program's funeral allowance is in the policy table.
        let deathMonth = max(eligibleFrom.advanced(by: 3 + random.below(24)), Period(year: 2024, month: 1)!)
        let deceased = random.below(1000) < 8 ? "\(deathMonth)-1\(random.below(9))" : ""
        var bank = ["", "", ""], wallet = ["", ""]
        let methodRoll = random.below(100)
        let method: PaymentMethod
        if methodRoll < 35 {
            method = .bank
            bank = [Self.banks[random.below(Self.banks.count)], random.digits(12), "NGUYEN VAN \(index)"]
        } else if methodRoll < 50 {
            method = .wallet
            wallet = [Self.wallets[random.below(Self.wallets.count)], "09" + random.digits(8)]
        } else {
            method = methodRoll < 90 ? .cash : .cashHome
        }
        let recipientRoll = random.below(100)
        let recipient: Recipient = recipientRoll < 85 ? .self : (recipientRoll < 95 ? .authorized : .guardian)
        let recipientName = recipient == .self ? "" : "Trần Thị \(index)"
        let recipientCCCD = recipient == .self ? "" : cccdPrefix + random.digits(9)
        let fields: [String] = [
            Self.id(district: district, index: index), "\"Nguyễn Văn \(index), \(district)\"", cccd, phone, isCommune ? "" : district, commune,
            program.rawValue, category, eligibleFrom.description, eligibleUntil, paidThrough, "", deceased, method.rawValue,
        ] + bank + wallet + [recipient.rawValue, recipientName, recipientCCCD]
        return fields.joined(separator: ",")
    }

    static let nccCategories = ["than_nhan_1_liet_si", "than_nhan_1_liet_si", "than_nhan_2_liet_si", "tro_cap_nuoi_duong", "ba_me_vnah"]
    static let btxhCategories = ["cao_tuoi_80", "cao_tuoi_80", "cao_tuoi_80", "cao_tuoi_60_80_ngheo", "khuyet_tat_nang",
                                 "khuyet_tat_dac_biet_nang", "tre_mo_coi_tu_4", "don_than_nuoi_con", "nguoi_hiv_ngheo"]
    /// Napas BINs: Agribank, Vietcombank, BIDV, VietinBank, LPBank.
    static let banks = ["970405", "970436", "970418", "970415", "970449"]
    static let wallets = ["momo", "viettelmoney", "vnpt_money"]
}

/// SplitMix64: small, fast, deterministic; also the seeded generator of the property tests.
public struct SplitMix: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(Unicode.Scalar(UInt8(48 + below(10)))) })
    }
}
