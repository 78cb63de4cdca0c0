import ChitraStore
import Foundation

/// A small shell loop that outlives this process, however it ends (SIGKILL included): once this
/// process is gone it runs a shell command (stop a private server, end a child). The demo and the
/// tests leave nothing running behind them.
public enum ParentWatchdog {
    /// Runs `action` once this process is gone. With `whileAlso`, a shell condition, the watchdog
    /// leaves without acting as soon as the condition stops holding (a child that ended by itself,
    /// whose process id could be reused later).
    public static func start(then action: String, whileAlso condition: String? = nil) throws {
        let parent = getpid()
        let script = "while kill -0 \(parent) 2>/dev/null\(condition.map { " && \($0)" } ?? ""); do sleep 1; done; "
            + "kill -0 \(parent) 2>/dev/null || { \(action); }; exit 0"
        _ = try Subprocess.launch("/bin/sh", ["-c", script], logPath: nil)
    }
}
