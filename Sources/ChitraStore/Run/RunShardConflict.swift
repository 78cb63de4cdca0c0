import ChitraCore

/// A row already in the tables that differs from what a shard computes: a bug or a tampering. The
/// shard stops (it is not retried: the same row would stop it again) and its run fails with this
/// sentence, naming the beneficiary and both values.
public enum RunShardConflict: Error, Sendable, Hashable, CustomStringConvertible {
    case line(beneficiaryID: String, month: String, kind: String, computed: Int64, recorded: Int64, recordedRun: Int64, runID: Int64)
    /// The beneficiary's disbursement is recorded, but the tables neither hold nor imply this line.
    case missingLine(beneficiaryID: String, month: String, kind: String, computed: Int64, runID: Int64)
    case disbursement(beneficiaryID: String, period: String, computed: Int64, recorded: Int64?, recordedRun: Int64?,
                      endToEndHolder: String?, runID: Int64)

    public var description: String {
        switch self {
        case .line(let id, let month, let kind, let computed, let recorded, let recordedRun, let runID):
            return "beneficiary \(id): run \(runID) computes a \(kind) line of \(Money(dong: computed)) for \(month), but a line of "
                + "\(Money(dong: recorded)) is already recorded (by run \(recordedRun)); the shard stops, since a row that differs "
                + "from what the run computes is a bug or a tampering."
        case .missingLine(let id, let month, let kind, let computed, let runID):
            return "beneficiary \(id): run \(runID) computes a \(kind) line of \(Money(dong: computed)) for \(month), but the tables "
                + "neither hold nor imply it beside the disbursement already recorded; the shard stops, since a row that differs "
                + "from what the run computes is a bug or a tampering."
        case .disbursement(let id, let period, let computed, let recorded?, let recordedRun, _, let runID):
            return "beneficiary \(id): run \(runID) computes a disbursement of \(Money(dong: computed)) for \(period), but one of "
                + "\(Money(dong: recorded)) is already recorded (by run \(recordedRun.map(String.init) ?? "?"), or with another method, "
                + "program or EndToEndId); the shard stops, since a row that differs from what the run computes is a bug or a tampering."
        case .disbursement(let id, let period, let computed, nil, _, let holder, let runID):
            return "beneficiary \(id): run \(runID) computes a disbursement of \(Money(dong: computed)) for \(period), but its EndToEndId "
                + "is already held by \(holder.map { "beneficiary \($0)'s disbursement" } ?? "another disbursement"); the shard stops."
        }
    }
}
