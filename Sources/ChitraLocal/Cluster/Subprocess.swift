import ChitraStore
import Foundation

/// Runs helper programs (initdb, pg_ctl, chown) without blocking the cooperative thread pool: the
/// exit is awaited by `SpawnedProcess`, and output goes to a file, never a pipe that can fill up.
enum Subprocess {
    /// The environment for PostgreSQL tools: no `PG*` variables from the caller, C locale.
    static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        return environment
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) async throws -> (status: Int32, output: String) {
        try await SpawnedProcess.run(executable, arguments, environment: cleanEnvironment, in: directory)
    }

    /// Starts a long-running program whose output goes to `logPath` (discarded when nil); the
    /// caller never waits for it.
    static func launch(_ executable: String, _ arguments: [String], logPath: String?, in directory: String? = nil) throws -> SpawnedProcess {
        try SpawnedProcess(executable: executable, arguments: arguments, environment: cleanEnvironment,
                           outputPath: logPath, directory: directory)
    }
}
