import Foundation

/// Runs helper programs (initdb, pg_ctl) without blocking the cooperative thread pool: the exit is
/// awaited through `terminationHandler`, and output goes to a file, never a pipe that can fill up.
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
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let process = makeProcess(executable, arguments, output: output, in: directory)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return Result(status: status, output: text)
    }

    /// Starts a long-running program whose output goes to `logPath` (discarded when nil); the
    /// caller never waits for it.
    static func launch(_ executable: String, _ arguments: [String], logPath: String?, in directory: String? = nil) throws -> Process {
        let log: FileHandle
        if let logPath {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        } else {
            log = FileHandle.nullDevice
        }
        let process = makeProcess(executable, arguments, output: log, in: directory)
        try process.run()
        if logPath != nil { try? log.close() }
        return process
    }

    /// A PostgreSQL tool's process: clean environment, no input, output and errors to `output`.
    private static func makeProcess(_ executable: String, _ arguments: [String], output: FileHandle, in directory: String?) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = cleanEnvironment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        return process
    }

    /// The first executable named `name` on PATH.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
