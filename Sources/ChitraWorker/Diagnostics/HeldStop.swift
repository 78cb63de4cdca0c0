import ServiceLifecycle

extension DiagnosticHandlers {
    /// A part of the process whose stop never finishes: once told to stop it waits on something
    /// that never resumes and ignores cancellation, as an await on a connection the database
    /// dropped was once seen to. Shows that the stop deadline (`StopDeadline`) still ends the process.
    public struct HeldStop: Service {
        public init() {}

        public func run() async throws {
            try? await gracefulShutdown()
            await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
        }
    }
}
