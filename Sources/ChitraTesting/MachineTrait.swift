import Testing

/// `.machine(limit:)` on a suite or a test: each of its tests holds the machine's gate
/// (`QuietMachine`) while it runs, shared or alone, with a ceiling that counts from the moment it
/// holds it. It replaces `.timeLimit`, whose clock also ran while a test waited for the gate.
public struct MachineTrait: TestTrait, SuiteTrait, TestScoping {
    public let share: QuietMachine.Share
    public let limit: Duration

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> MachineTrait? {
        test.isSuite ? nil : self
    }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        try await QuietMachine.shared.hold(share, limit: limit, what: "“\(test.displayName ?? test.name)”", function)
    }
}

extension Trait where Self == MachineTrait {
    /// Each test holds the machine (`share`) for at most `limit` once it holds it.
    public static func machine(_ share: QuietMachine.Share = .shared, limit: Duration) -> MachineTrait {
        MachineTrait(share: share, limit: limit)
    }
}

extension Duration {
    /// `minutes` minutes (the machine trait's ceilings are in minutes, as `.timeLimit`'s were).
    public static func minutes(_ minutes: Int) -> Duration {
        .seconds(minutes * 60)
    }
}
