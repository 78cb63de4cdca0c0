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

    /// Starts the program with `arguments` (see `ChildProcess.init`), in host `placement` if given.
    public func start(_ arguments: [String], environment: [String: String] = [:], logPath: String? = nil,
                      endsWithParent: Bool = false, on placement: HostPlacement? = nil) throws -> ChildProcess {
        let (executable, leading) = command
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw ChildProcess.Missing(path: executable)
        }
        return try ChildProcess(placing: [executable] + leading + arguments, on: placement, environment: environment,
                                logPath: logPath, endsWithParent: endsWithParent)
    }
}

extension ChildProcess {
    /// Starts `command` (the executable, then its arguments), in host `placement` if given.
    public convenience init(placing command: [String], on placement: HostPlacement?, environment: [String: String] = [:],
                            logPath: String? = nil, endsWithParent: Bool = false) throws {
        let full = (placement?.prefix ?? []) + command
        try self.init(executable: full[0], arguments: Array(full.dropFirst()), environment: environment, logPath: logPath,
                      endsWithParent: endsWithParent)
    }
}
