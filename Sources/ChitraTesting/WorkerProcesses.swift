import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation

/// Real `chitra-worker` processes for crash tests, built beside the test bundle by `swift test`.
public enum WorkerProcesses {
    public struct Missing: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "\(path) does not exist: build the package (swift build) before these tests" }
    }

    public static var executable: String { ChildProcess.executableFolder + "/chitra-worker" }

    /// Starts one worker on `url` with the diagnostic job kinds and fast leases, logging to a file.
    /// It ends with the test process: a test that fails before stopping its workers leaves none
    /// polling a database that is gone.
    public static func spawn(url: DatabaseURL, arguments: [String] = [], logLevel: String = "warning") throws -> ChildProcess {
        guard FileManager.default.isExecutableFile(atPath: executable) else { throw Missing(path: executable) }
        let log = NSTemporaryDirectory() + "chitra-worker-\(UUID().uuidString.prefix(8)).log"
        return try ChildProcess(
            executable: executable,
            arguments: ["--diagnostics", "--lease-ms", "1500", "--maintenance-ms", "300", "--poll-ms", "200",
                        "--retry-base-ms", "20"] + arguments,
            environment: ["DATABASE_URL": url.connectionString, "CHITRA_LOG_LEVEL": logLevel].merging(TestPostgres.workerEnvironment) { $1 },
            logPath: log, endsWithParent: true)
    }

    /// Runs a worker to its exit and returns its status and what it printed.
    public static func runToExit(environment: [String: String], arguments: [String] = []) async throws -> (status: Int32, output: String) {
        let log = NSTemporaryDirectory() + "chitra-worker-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(executable: executable, arguments: arguments, environment: environment, logPath: log)
        let status = await process.waitForExit()
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }
}
