import ChitraStore
import Foundation

/// Another program started by this one (worker processes in benchmarks, the demo and crash tests),
/// with its exit awaited asynchronously, never by blocking a thread (`SpawnedProcess`).
public final class ChildProcess: Sendable {
    private let process: SpawnedProcess

    public var pid: Int32 { process.pid }

    /// Starts `executable`; its output goes to `logPath` (made afresh; discarded when nil), its
    /// environment is this process's plus `environment`.
    /// With `endsWithParent`, a watchdog shell sends it SIGTERM as soon as this process is gone,
    /// however this one ends (SIGKILL included): the demo leaves nothing running behind it.
    public init(executable: String, arguments: [String], environment: [String: String] = [:], logPath: String? = nil,
                endsWithParent: Bool = false) throws {
        if let logPath { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        process = try SpawnedProcess(executable: executable, arguments: arguments,
                                     environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                                     outputPath: logPath)
        if endsWithParent { try ParentWatchdog.start(then: "kill -TERM \(pid) 2>/dev/null", whileAlso: "kill -0 \(pid) 2>/dev/null") }
    }

    /// Runs `executable` to its end with this process's environment: its exit status and what it
    /// printed (`SpawnedProcess.run`).
    public static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await SpawnedProcess.run(executable, arguments, environment: ProcessInfo.processInfo.environment)
    }

    /// Whether it has ended.
    public var hasExited: Bool { process.hasExited }

    /// Sends `signal` (SIGTERM, SIGKILL…).
    public func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits for the process to end; returns its exit status (or the signal that ended it).
    @discardableResult
    public func waitForExit() async -> Int32 {
        await process.waitForExit()
    }

    /// Peak resident memory (VmHWM) in bytes, while the process runs.
    public var peakMemoryBytes: Int? { process.peakMemoryBytes }

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
