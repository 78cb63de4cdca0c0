import Foundation

/// Runs helper programs (initdb, pg_ctl, chown) without blocking the cooperative thread pool: the
/// exit is awaited by `SpawnedProcess`, and output goes to a file, never a pipe that can fill up.
enum Subprocess {
    struct Result: Sendable {
        var status: Int32
        var output: String
    }

    /// The environment for PostgreSQL tools: no `PG*` variables from the caller, C locale.
    static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        return environment
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) async throws -> Result {
        let outputPath = NSTemporaryDirectory() + "chitra-subprocess-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = try SpawnedProcess(executable: executable, arguments: arguments, environment: cleanEnvironment,
                                         outputPath: outputPath, directory: directory)
        let status = await process.waitForExit()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: status, output: text)
    }

    /// Starts a long-running program whose output goes to `logPath` (discarded when nil); the
    /// caller never waits for it.
    static func launch(_ executable: String, _ arguments: [String], logPath: String?, in directory: String? = nil) throws -> SpawnedProcess {
        try SpawnedProcess(executable: executable, arguments: arguments, environment: cleanEnvironment,
                           outputPath: logPath, directory: directory)
    }

    /// The first executable named `name` on PATH.
    static func which(_ name: String) -> String? {
        SpawnedProcess.which(name)
    }
}
