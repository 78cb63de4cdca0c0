import ChitraStore
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, whose exit is learnt by `waitpid` and never by a
/// descriptor it holds.
///
/// Foundation's `Process` on Linux learns of a child's exit through a socket pair without
/// close-on-exec, watched by a run-loop thread of its own, and had been seen to leave a child
/// unreaped with its handler never called (many children started and killed at once). Here the
/// child gets only its standard descriptors (every other one is closed in it by `closefrom`), and
/// its exit is polled with `WNOHANG`, so a waiting task never blocks a thread and nothing but the
/// child itself decides when it has ended. (The database restart hangs of issue 22 were the
/// driver's, `ClosedConnectionGuard`; this did not reproduce them either way.)
public final class SpawnedProcess: Sendable {
    public let pid: Int32
    private let status = Mutex<Int32?>(nil)

    /// A program could not be started.
    public struct Failed: Error, CustomStringConvertible {
        public var executable: String
        public var errno: Int32
        public var description: String { "cannot start \(executable): \(String(cString: strerror(errno)))" }
    }

    /// Starts `executable` with `arguments` and `environment` (the whole environment, not added to
    /// this process's), standard input from /dev/null, output and errors appended to `outputPath`
    /// (created if missing) or discarded, in `directory` if given, in a process group of its own.
    public init(executable: String, arguments: [String], environment: [String: String],
                outputPath: String?, directory: String? = nil) throws(Failed) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let directory { _ = Self.addChdir?(&actions, directory) }
        if let closeFrom = Self.addCloseFrom {
            _ = closeFrom(&actions, 3)
        } else {
            for descriptor in 3..<Int32(max(3, sysconf(Int32(_SC_OPEN_MAX)))) where fcntl(descriptor, F_GETFD) != -1 {
                posix_spawn_file_actions_addclose(&actions, descriptor)
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group (a Ctrl-C at the terminal reaches the parent, which stops its
        // children itself), no blocked signals, and the signals a program expects at their defaults
        // (a parent that watches SIGTERM through a dispatch source ignores it, and ignoring is
        // inherited across exec).
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failed(executable: executable, errno: result) }
        self.pid = pid
    }

    /// Runs `executable` to its end, its output and errors to a temporary file; returns its exit
    /// status and what it printed. (PostgreSQL's tools, xmllint.)
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           in directory: String? = nil) async throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "chitra-run-\(UUID().uuidString.prefix(12)).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let process = try SpawnedProcess(executable: executable, arguments: arguments, environment: environment,
                                         outputPath: outputPath, directory: directory)
        let status = await process.waitForExit()
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// Whether it has ended (and been reaped by this object).
    public var hasExited: Bool { poll() != nil }

    /// Sends `signal` (SIGTERM, SIGKILL…) unless it has ended.
    public func signal(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }

    /// Waits for the end; returns the exit code, or the number of the signal that ended it.
    /// Cancelled, it returns -1 without waiting.
    @discardableResult
    public func waitForExit() async -> Int32 {
        while !Task.isCancelled {
            if let status = poll() { return status }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return poll() ?? -1
    }

    /// Reaps the child if it has ended, once; afterwards returns what it found.
    private func poll() -> Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, WNOHANG)
            guard result == pid else {
                // -1: not our child any more (ECHILD), which cannot happen unless another part of
                // the process reaped it: treat it as ended.
                if result == -1, errno == ECHILD { status = -1 }
                return status
            }
            let signal = raw & 0x7F
            status = signal != 0 ? signal : (raw >> 8) & 0xFF
            return status
        }
    }

    /// Peak resident memory (VmHWM) in bytes, while the process runs.
    public var peakMemoryBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.split(separator: " ").compactMap { Int($0) }.first.map { $0 * 1024 }
        }
        return nil
    }

    /// The first executable named `name` on PATH.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    // glibc's `_np` file actions (2.29 and 2.34) are not in Swift's Glibc module: found at run time.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias Chdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let addChdir: Chdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(dlopen(nil, RTLD_NOW), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
