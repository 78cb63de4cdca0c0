import ChitraStore
import Foundation

/// One of Chitra's programs started as a child process. The `chitra` executable carries them all
/// as subcommands (`chitra worker`, `chitra banksim`), so the demo and the benchmarks start their
/// children from their own executable and need nothing else built; the test bundle, which is not
/// `chitra`, starts the thin executables built beside it (`chitra-worker`, `chitra-banksim`).
public enum ChitraProgram: String, Sendable {
    case worker
    case banksim

    /// The executable and the arguments that come before the program's own.
    public var command: (executable: String, arguments: [String]) {
        let running = ChildProcess.executablePath
        if URL(fileURLWithPath: running).lastPathComponent == "chitra" {
            return (running, [rawValue])
        }
        return (URL(fileURLWithPath: running).deletingLastPathComponent().path + "/chitra-\(rawValue)", [])
    }

    /// Starts the program with `arguments` (see `ChildProcess.init`).
    public func start(_ arguments: [String], environment: [String: String] = [:], logPath: String? = nil,
                      endsWithParent: Bool = false) throws -> ChildProcess {
        let (executable, leading) = command
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ChildProcess.Missing(path: executable)
        }
        return try ChildProcess(executable: executable, arguments: leading + arguments, environment: environment,
                                logPath: logPath, endsWithParent: endsWithParent)
    }
}
