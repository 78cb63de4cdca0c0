/// What a transaction presents to the database so that it may see anything: a person's API token
/// or a service's secret (a worker's, `chitra serve`'s). The database verifies it on every
/// statement (migration 24); it is never printed.
public struct Credential: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let secret: String

    public init(_ secret: String) {
        self.secret = secret
    }

    public var description: String { "a credential (not shown)" }
    public var debugDescription: String { description }
}
