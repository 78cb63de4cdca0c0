/// What loading a catalogue would change in the one held: units and edges added, removed or
/// changed, compared by their keys (level, code, start of validity; an edge's ends and day).
public struct UnitCatalogueDiff: Sendable {
    /// What a list adds, changes and removes among one kind of item, compared by key.
    public struct Changes<Item: Sendable & Equatable>: Sendable {
        public var added: [Item] = []
        public var changed: [(before: Item, after: Item)] = []
        public var removed: [Item] = []

        /// `removable`: which held items this list speaks for (those of its reform).
        init<Key: Hashable & Comparable>(held: [Item], loading: [Item], key: (Item) -> Key, removable: (Item) -> Bool) {
            let before = Dictionary(held.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
            let after = Dictionary(loading.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
            for itemKey in after.keys.sorted() {
                let item = after[itemKey]!
                if let old = before[itemKey] {
                    if old != item { changed.append((old, item)) }
                } else {
                    added.append(item)
                }
            }
            removed = before.keys.filter { after[$0] == nil }.sorted().map { before[$0]! }.filter(removable)
        }

        public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty }
        /// What the load writes: the added items and the new form of the changed ones.
        public var written: [Item] { added + changed.map(\.after) }
    }

    public var units: Changes<AdministrativeUnit>
    public var edges: Changes<LineageEdge>

    public init(held: UnitCatalogue.Contents, loading catalogue: UnitCatalogue) {
        let reform = catalogue.reform
        units = Changes(held: held.units, loading: catalogue.units, key: \.key) { $0.validTo == reform || $0.validFrom == reform }
        // Only the edges of this catalogue's reform day: another reform's stay.
        edges = Changes(held: held.lineage, loading: catalogue.lineage, key: \.key) { $0.effective == reform }
    }

    public var isEmpty: Bool { units.isEmpty && edges.isEmpty }

    /// The counts as the load's record and its audit entry keep them, in this order.
    public var counts: [(name: String, count: Int)] {
        [("units_added", units.added.count), ("units_changed", units.changed.count), ("units_removed", units.removed.count),
         ("edges_added", edges.added.count), ("edges_changed", edges.changed.count), ("edges_removed", edges.removed.count)]
    }

    /// The diff as lines for a person: a count per kind, then each change (at most `detail` of
    /// each kind; the rest counted).
    public func lines(detail: Int = 20) -> [String] {
        guard !isEmpty else { return ["No change: the catalogue already holds these lists."] }
        var lines = ["Units: \(units.added.count) added, \(units.changed.count) changed, \(units.removed.count) removed; "
                     + "lineage edges: \(edges.added.count) added, \(edges.changed.count) changed, \(edges.removed.count) removed."]
        func section<T>(_ items: [T], _ sign: String, _ text: (T) -> String) {
            for item in items.prefix(detail) { lines.append("  \(sign) \(text(item))") }
            if items.count > detail { lines.append("  \(sign) … and \(items.count - detail) more") }
        }
        section(units.added, "+") { Self.describe($0) }
        section(units.changed, "~") { "\(Self.describe($0.before)) → \(Self.describe($0.after))" }
        section(units.removed, "-") { Self.describe($0) }
        section(edges.added, "+") { "\($0.key) (\($0.kind.rawValue))" }
        section(edges.changed, "~") { "\($0.before.key): \($0.before.kind.rawValue) → \($0.after.kind.rawValue)" }
        section(edges.removed, "-") { "\($0.key) (\($0.kind.rawValue))" }
        return lines
    }

    static func describe(_ unit: AdministrativeUnit) -> String {
        let validity = [unit.validFrom.map { "from \($0)" }, unit.validTo.map { "until \($0)" }].compactMap { $0 }.joined(separator: " ")
        return "\(unit.level.rawValue) \(unit.code) \(unit.nameWithType) (province \(unit.provinceCode)"
            + (unit.districtCode.map { ", district \($0)" } ?? "") + (validity.isEmpty ? "" : ", \(validity)") + ")"
    }
}

extension UnitCatalogue {
    /// What a database holds: units and edges, whatever reforms they came from.
    public struct Contents: Sendable, Hashable {
        public var units: [AdministrativeUnit]
        public var lineage: [LineageEdge]

        public init(units: [AdministrativeUnit], lineage: [LineageEdge]) {
            self.units = units
            self.lineage = lineage
        }
    }
}
