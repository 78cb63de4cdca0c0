/// A figure that costs a database round to compute (the API's metrics: the queue and the open runs
/// of every district), computed at most once per `lifetime`: scrapes in between, however many,
/// read the last one. The clock is given, so that tests move it.
public actor CachedSample<C: Clock> where C.Duration == Duration {
    private let lifetime: Duration
    private let clock: C
    private let sample: @Sendable () async throws -> String
    private var last: (text: String, at: C.Instant)?

    public init(lifetime: Duration, clock: C, sample: @escaping @Sendable () async throws -> String) {
        self.lifetime = lifetime
        self.clock = clock
        self.sample = sample
    }

    public func text() async throws -> String {
        let now = clock.now
        if let last, last.at.duration(to: now) < lifetime { return last.text }
        let text = try await sample()
        self.last = (text, now)
        return text
    }
}
