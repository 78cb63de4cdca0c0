/// Where a batch sent to a bank or wallet gateway stands. The schema checks the same values and
/// refuses any other change of state.
///
/// The rule it keeps: a batch is posted at most once. `posting` is committed before the request
/// goes out; a batch found `posting` (its worker died, its answer was lost or refused) is never
/// posted again: its transfers are inquired one by one, and only those the gateway never received
/// go out again, in a new batch, with their EndToEndIds.
public enum TransferBatchState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Written with its transfers; not yet sent.
    case prepared
    /// Being sent, or sent without a usable answer.
    case posting
    /// Every transfer's outcome known (from the answer or from inquiries).
    case answered

    public static let allowed: [TransferBatchState: Set<TransferBatchState>] = [
        .prepared: [.posting],
        .posting: [.answered],
        .answered: [],
    ]

    public func canBecome(_ next: TransferBatchState) -> Bool { Self.allowed[self]?.contains(next) ?? false }

    /// What a worker does with a batch it finds in this state.
    public enum Step: Sendable, Hashable {
        /// Mark it posting (committed), then post it.
        case post
        /// Ask the gateway about each transfer still submitted; never post again.
        case inquire
        /// Nothing: done.
        case none
    }

    public var step: Step {
        switch self {
        case .prepared: .post
        case .posting: .inquire
        case .answered: .none
        }
    }
}
