import ChitraStore
import Foundation
import Synchronization

/// Another program started by this one (worker processes in benchmarks and crash tests), with
/// its exit awaited asynchronously, never by blocking a thread.
public final class ChildProcess: Sendable {
    /// The exit status, once Foundation's termination handler has it.
    private final class Exit: Sendable {
        let status = Mutex<Int32?>(nil)
    }

    public let pid: Int32
    private let exit = Exit()

    /// Starts `executable`; its output goes to `logPath` (or is discarded), its environment is
    /// this process's plus `environment`.
    /// With `endsWithParent`, a watchdog shell sends it SIGTERM as soon as this process is gone,
    /// however this one ends (SIGKILL included): the demo leaves nothing running behind it.
    public init(executable: String, arguments: [String], environment: [String: String] = [:], logPath: String? = nil,
                endsWithParent: Bool = false) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        if let logPath {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardOutput = log
            process.standardError = log
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        let exit = self.exit
        process.terminationHandler = { finished in
            let status = finished.terminationStatus
            exit.status.withLock { $0 = status }
        }
        try process.run()
        self.pid = process.processIdentifier
        if endsWithParent { try ParentWatchdog.start(then: "kill -TERM \(pid) 2>/dev/null", whileAlso: "kill -0 \(pid) 2>/dev/null") }
    }

    /// Whether it has ended (as far as Foundation has told).
    public var hasExited: Bool { exit.status.withLock { $0 } != nil }

    /// Sends `signal` (SIGTERM, SIGKILL…).
    public func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the process to end; returns its exit status (or the signal that ended it).
    ///
    /// Foundation's termination handler usually says so; but with many children started and
    /// killed at once it has been seen to leave one unreaped (a zombie) and never call it. So this
    /// also looks at `/proc`: a zombie has ended, and its exit code is there.
    @discardableResult
    public func waitForExit() async -> Int32 {
        var goneSince: ContinuousClock.Instant?
        while !Task.isCancelled {
            if let status = exit.status.withLock({ $0 }) { return status }
            switch Self.procState(pid: pid) {
            case .zombie(let status): return status
            case .running: goneSince = nil
            case .gone:
                // Reaped by Foundation: its handler is about to record the status.
                let now = ContinuousClock.now
                if let since = goneSince, now - since > .seconds(2) { return -1 }
                goneSince = goneSince ?? now
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return -1
    }

    enum ProcState: Equatable {
        case running
        case zombie(status: Int32)
        case gone
    }

    /// The state of a child in `/proc/PID/stat`; for a zombie, its status as `terminationStatus`
    /// gives it (the exit code, or the number of the signal that ended it).
    static func procState(pid: Int32) -> ProcState {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return .gone }
        // Fields after the name: state is field 3, exit_code field 52 (in waitpid's encoding).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.first == "Z" else { return .running }
        guard fields.count >= 50, let code = Int32(fields[49].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return .zombie(status: -1)
        }
        let signal = code & 0x7F
        return .zombie(status: signal != 0 ? signal : (code >> 8) & 0xFF)
    }

    /// Peak resident memory (VmHWM) in bytes, while the process runs.
    public var peakMemoryBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }

    /// The running executable.
    public static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The folder of the running executable, where its sibling programs (chitra-worker) live.
    public static var executableFolder: String {
        URL(fileURLWithPath: executablePath).deletingLastPathComponent().path
    }

    /// A program to start is not there.
    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path) does not exist: build the package (swift build) first" }
    }
}
