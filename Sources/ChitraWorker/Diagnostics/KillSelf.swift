import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension DiagnosticHandlers {
    /// A hook that kills this process with SIGKILL on its `call`-th call (1 for the first): no
    /// cleanup, no commit, as a machine losing power would.
    public static func killSelf(atCall call: Int) -> @Sendable () -> Void {
        let calls = Atomic<Int>(0)
        return {
            let (_, count) = calls.add(1, ordering: .relaxed)
            if count == call { kill(getpid(), SIGKILL) }
        }
    }
}
