/// The tiers of Vietnam's administration. Provinces and communes exist on both sides of the 2025
/// reform; districts only before it (none since 2025-07-01).
public enum UnitLevel: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case province, district, commune

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: UnitLevel, rhs: UnitLevel) -> Bool { lhs.rank < rhs.rank }

    /// The word an official reads.
    public var vietnamese: String {
        switch self {
        case .province: "tỉnh"
        case .district: "huyện"
        case .commune: "xã"
        }
    }
}

/// One administrative unit as an official list names it, over the days it existed. Codes are
/// reused over time (a new commune took an old commune's code, Cà Mau kept 96), so a unit is its
/// level, its code *and* its validity: `validFrom` is nil for a unit that existed before the
/// catalogue's first list, `validTo` (exclusive) nil for a unit that still exists.
public struct AdministrativeUnit: Sendable, Hashable, Codable {
    public var level: UnitLevel
    public var code: String
    public var name: String
    /// `ward`, `commune`, `special_zone`, `district`, `urban_district`, `town`, `city`, `province`, ….
    public var type: String
    /// The name as officials write it: "Phường Ba Đình", "Xã Vĩnh Lợi".
    public var nameWithType: String
    /// The district of a commune before 2025-07; otherwise nil (the province is `provinceCode`).
    public var districtCode: String?
    /// The province the unit belongs to; a province's own code for a province.
    public var provinceCode: String
    public var validFrom: Day?
    public var validTo: Day?

    public init(level: UnitLevel, code: String, name: String, type: String, nameWithType: String, districtCode: String? = nil,
                provinceCode: String, validFrom: Day?, validTo: Day?) {
        self.level = level
        self.code = code
        self.name = name
        self.type = type
        self.nameWithType = nameWithType
        self.districtCode = districtCode
        self.provinceCode = provinceCode
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// As JSON: snake_case, days as `YYYY-MM-DD`.
    enum CodingKeys: String, CodingKey {
        case level, code, name, type, nameWithType = "name_with_type", districtCode = "district_code", provinceCode = "province_code"
        case validFrom = "valid_from", validTo = "valid_to"
    }

    /// The unit's parent: a commune's district before the reform, otherwise its province (none for
    /// a province).
    public var parentCode: String? {
        switch level {
        case .province: nil
        case .district: provinceCode
        case .commune: districtCode ?? provinceCode
        }
    }

    /// Whether the unit existed on `day`.
    public func isValid(on day: Day) -> Bool {
        (validFrom.map { $0 <= day } ?? true) && (validTo.map { day < $0 } ?? true)
    }

    /// Whether the unit existed for the whole of `period` (a payout unit pays whole months).
    public func isValid(in period: Period) -> Bool {
        isValid(on: Day(period: period, day: 1)) && isValid(on: Day(period: period, day: Day.days(in: period)))
    }

    /// What identifies the unit among all the catalogue holds: level, code and start of validity.
    public struct Key: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var level: UnitLevel
        public var code: String
        public var validFrom: Day?

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.level, lhs.code, lhs.validFrom.map(\.description) ?? "") < (rhs.level, rhs.code, rhs.validFrom.map(\.description) ?? "")
        }

        public var description: String {
            "\(level.rawValue) \(code) " + (validFrom.map { "from \($0)" } ?? "before the reform")
        }
    }

    public var key: Key { Key(level: level, code: code, validFrom: validFrom) }
}
