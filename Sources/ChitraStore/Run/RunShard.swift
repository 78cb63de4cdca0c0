/// One compute job's part of a run: the members whose ids fall in `[lower, upper)` (no upper
/// bound for the last shard). Ranges of the register's primary key, so that a shard's reads are
/// index range scans, whatever the size of the tables around them.
public struct RunShard: Codable, Sendable, Hashable {
    public var runID: Int64
    public var generation: Int32
    public var shard: Int32
    public var lower: String
    public var upper: String?

    public init(runID: Int64, generation: Int32, shard: Int32, lower: String, upper: String?) {
        self.runID = runID
        self.generation = generation
        self.shard = shard
        self.lower = lower
        self.upper = upper
    }
}
