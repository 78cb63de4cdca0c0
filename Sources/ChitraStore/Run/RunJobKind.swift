/// The kinds of job that compute a run: one `plan`, then a `compute` per shard. (The payout's are
/// `RunSubmission.kind` and `TransferBatching.jobKind`.)
public enum RunJobKind {
    public static let plan = "plan"
    public static let compute = "compute"
    /// Both, as the queries that look for a run's computing jobs name them.
    public static let computing = [plan, compute]
}
