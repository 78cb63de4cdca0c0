/// What a job does: the name its handler registers under and the queue stores. The run's and the
/// payout's kinds are named here once; diagnostic and test kinds are written as literals.
public struct JobKind: RawRepresentable, Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }

    public var description: String { rawValue }
    public static func < (lhs: JobKind, rhs: JobKind) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// A run's plan: its snapshot and its shards.
    public static let plan: JobKind = "plan"
    /// One shard of a run computed.
    public static let compute: JobKind = "compute"
    /// An approved run driven on the rails until it completes.
    public static let submit: JobKind = "submit"
    /// One batch of transfers sent to its rail.
    public static let transfer: JobKind = "transfer"
    /// The kinds that compute a run, as queries looking for a run's computing jobs name them.
    public static let computing: [JobKind] = [plan, compute]
}
