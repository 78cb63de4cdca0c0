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

/// A compute job's arguments: its shard, and the run's month for the job's log lines (a handler
/// decodes the shard alone; the month spares a worker a query per run to name it).
struct ComputeArgs: Encodable {
    var shard: RunShard
    var period: String

    private enum CodingKeys: String, CodingKey { case period }

    func encode(to encoder: any Encoder) throws {
        try shard.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(period, forKey: .period)
    }
}
