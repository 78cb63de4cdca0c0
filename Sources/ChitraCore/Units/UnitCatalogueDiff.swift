/// What loading a catalogue would change in the one held: units and edges added, removed or
/// changed, compared by their keys (level, code, start of validity; an edge's ends and day).
public struct UnitCatalogueDiff: Sendable {
    public struct Change: Sendable, Hashable {
        public var before: AdministrativeUnit
        public var after: AdministrativeUnit
    }

    public var addedUnits: [AdministrativeUnit] = []
    public var removedUnits: [AdministrativeUnit] = []
    public var changedUnits: [Change] = []
    public var addedEdges: [LineageEdge] = []
    public var removedEdges: [LineageEdge] = []
    public var changedEdges: [(before: LineageEdge, after: LineageEdge)] = []

    public init(held: UnitCatalogue.Contents, loading catalogue: UnitCatalogue) {
        let heldUnits = Dictionary(held.units.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let newUnits = Dictionary(catalogue.units.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for key in newUnits.keys.sorted() {
            let unit = newUnits[key]!
            if let before = heldUnits[key] {
                if before != unit { changedUnits.append(Change(before: before, after: unit)) }
            } else {
                addedUnits.append(unit)
            }
        }
        removedUnits = heldUnits.keys.filter { newUnits[$0] == nil }.sorted().map { heldUnits[$0]! }
        let heldEdges = Dictionary(held.lineage.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let newEdges = Dictionary(catalogue.lineage.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for key in newEdges.keys.sorted() {
            let edge = newEdges[key]!
            if let before = heldEdges[key] {
                if before != edge { changedEdges.append((before, edge)) }
            } else {
                addedEdges.append(edge)
            }
        }
        // Only the edges of this catalogue's reform day are compared: another reform's stay.
        let day = catalogue.reform.description
        removedEdges = heldEdges.keys.filter { $0.effective == day && newEdges[$0] == nil }.sorted().map { heldEdges[$0]! }
        removedUnits = removedUnits.filter { $0.validTo == catalogue.reform || $0.validFrom == catalogue.reform }
    }

    public var isEmpty: Bool {
        addedUnits.isEmpty && removedUnits.isEmpty && changedUnits.isEmpty && addedEdges.isEmpty && removedEdges.isEmpty
            && changedEdges.isEmpty
    }

    /// The diff as lines for a person: a count per kind, then each change (at most `detail` of
    /// each kind; the rest counted).
    public func lines(detail: Int = 20) -> [String] {
        guard !isEmpty else { return ["No change: the catalogue already holds these lists."] }
        var lines = ["Units: \(addedUnits.count) added, \(changedUnits.count) changed, \(removedUnits.count) removed; "
                     + "lineage edges: \(addedEdges.count) added, \(changedEdges.count) changed, \(removedEdges.count) removed."]
        func section<T>(_ items: [T], _ sign: String, _ text: (T) -> String) {
            for item in items.prefix(detail) { lines.append("  \(sign) \(text(item))") }
            if items.count > detail { lines.append("  \(sign) … and \(items.count - detail) more") }
        }
        section(addedUnits, "+") { Self.describe($0) }
        section(changedUnits, "~") { "\(Self.describe($0.before)) → \(Self.describe($0.after))" }
        section(removedUnits, "-") { Self.describe($0) }
        section(addedEdges, "+") { "\($0.key) (\($0.kind.rawValue))" }
        section(changedEdges, "~") { "\($0.before.key): \($0.before.kind.rawValue) → \($0.after.kind.rawValue)" }
        section(removedEdges, "-") { "\($0.key) (\($0.kind.rawValue))" }
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
