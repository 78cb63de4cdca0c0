/// How an old unit went into a new commune on a reform's day (the official conversion table's
/// wording in `LineageEdge.note`).
public enum LineageKind: String, Sendable, Hashable, CaseIterable, Codable {
    case unchanged
    case renamed
    /// The whole old commune joined the new one ("Nhập toàn bộ").
    case merged
    /// The old commune's province merged into another.
    case provinceChanged = "province_changed"
    /// Split geographically, but its whole population moved to the one successor listed.
    case splitPopulation = "split_population"
    /// Part of the old commune went to each of several new ones ("Nhập một phần"): who goes where
    /// needs a person, never a name or a guess.
    case ambiguous

    /// Whether everyone of the old commune is paid by this edge's commune.
    public var movesEveryone: Bool { self != .ambiguous }
}

/// One edge of a reform's lineage: an old commune (or a whole old district, when `oldCommuneCode`
/// is nil) → a new commune, from `effective` on.
public struct LineageEdge: Sendable, Hashable, Codable {
    public var effective: Day
    public var oldProvinceCode: String
    public var oldDistrictCode: String?
    public var oldCommuneCode: String?
    public var newProvinceCode: String
    public var newCommuneCode: String
    public var kind: LineageKind
    public var note: String

    public init(effective: Day, oldProvinceCode: String, oldDistrictCode: String?, oldCommuneCode: String?, newProvinceCode: String,
                newCommuneCode: String, kind: LineageKind, note: String) {
        self.effective = effective
        self.oldProvinceCode = oldProvinceCode
        self.oldDistrictCode = oldDistrictCode
        self.oldCommuneCode = oldCommuneCode
        self.newProvinceCode = newProvinceCode
        self.newCommuneCode = newCommuneCode
        self.kind = kind
        self.note = note
    }

    /// What identifies an edge: the reform's day, the old unit and the new commune.
    public struct Key: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var effective: String
        public var oldDistrictCode: String
        public var oldCommuneCode: String
        public var newCommuneCode: String

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.effective, lhs.oldDistrictCode, lhs.oldCommuneCode, lhs.newCommuneCode)
                < (rhs.effective, rhs.oldDistrictCode, rhs.oldCommuneCode, rhs.newCommuneCode)
        }

        public var description: String {
            let old = oldCommuneCode.isEmpty ? "district \(oldDistrictCode)" : "commune \(oldCommuneCode)"
            return "\(old) → commune \(newCommuneCode) on \(effective)"
        }
    }

    public var key: Key {
        Key(effective: effective.description, oldDistrictCode: oldDistrictCode ?? "", oldCommuneCode: oldCommuneCode ?? "",
            newCommuneCode: newCommuneCode)
    }
}
