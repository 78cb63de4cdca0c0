/// Where a worker's next claim starts among the units with work: after the last unit its previous
/// claim reached, round to the start. A claim shares its batch among the units in code order from
/// the cursor on; with more units than the batch holds, the cursor moves on, so every unit is
/// reached within `units / batch` claims whatever the others hold.
public struct ClaimCursor: Sendable, Hashable {
    public private(set) var after: String?

    public init(after: String? = nil) {
        self.after = after
    }

    /// Moves past the units a claim reached (the codes of its jobs): to the last of them in the
    /// claim's order (the codes after the cursor first, then those from the start).
    public mutating func advance(past codes: [String]) {
        let start = after ?? ""
        // A claim that went round to the start ended among the codes up to the cursor.
        after = codes.filter { $0 <= start }.max() ?? codes.filter { $0 > start }.max() ?? after
    }
}
