import ChitraStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension LocalCluster {
    static let runuser = ["/usr/sbin/runuser", "/sbin/runuser"].first(where: FileManager.default.isExecutableFile(atPath:))

    /// The program to start: the tool itself, or `runuser` when root must become `postgres`.
    func asServerUser(_ tool: String) -> String {
        Self.runningAsRoot ? (Self.runuser ?? "/usr/sbin/runuser") : tool
    }

    func asServerUserArguments(_ tool: String, _ arguments: [String]) -> [String] {
        Self.runningAsRoot ? ["-u", "postgres", "--", tool] + arguments : arguments
    }

    func initialize() async throws {
        if Self.runningAsRoot {
            let chown = try await Subprocess.run("/bin/chown", ["-R", "postgres:postgres", folder])
            guard chown.status == 0 else { throw StoreError.clusterFailed("cannot give \(folder) to the postgres user") }
        }
        let result = try await Subprocess.run(asServerUser(binaries.initdb), asServerUserArguments(binaries.initdb, [
            "-D", dataFolder, "-U", Self.superuser, "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
            "--pwfile=\(folder)/\(Self.passwordFile)", "--encoding=UTF8", "--no-locale", "--no-sync",
        ]), in: folder)
        guard result.status == 0 else {
            throw StoreError.clusterFailed("initdb failed: \(lastLine(of: result.output))")
        }
    }

    /// Runs `postgres` in the foreground as a child (never `pg_ctl start`, whose daemonised
    /// postmaster keeps Foundation's exit pipe open) and waits until its pid file says `ready`.
    /// `prefix`: a command the server is started through (`ip netns exec NAME`, `hosts run NAME`).
    func launch(settings: [String: String], detached: Bool, prefix: [String] = []) async throws {
        var arguments = ["-D", dataFolder, "-p", String(port), "-k", folder]
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) { arguments += ["-c", "\(key)=\(value)"] }
        var executable = asServerUser(binaries.postgres)
        var fullArguments = asServerUserArguments(binaries.postgres, arguments)
        if let first = prefix.first {
            fullArguments = Array(prefix.dropFirst()) + [executable] + fullArguments
            executable = first
        }
        if detached, let setsid = SpawnedProcess.which("setsid") {
            // A new session, so that closing the operator's terminal does not stop the server.
            fullArguments = [executable] + fullArguments
            executable = setsid
        }
        if Self.runningAsRoot { _ = try? await Subprocess.run("/bin/chown", ["postgres:postgres", folder]) }
        let process = try Subprocess.launch(executable, fullArguments, logPath: logPath, in: folder)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(60)
        while clock.now < deadline {
            if isReady { return }
            if process.hasExited, !detached {
                throw StoreError.clusterFailed("postgres exited: \(lastLine(of: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw StoreError.clusterFailed("postgres did not become ready within 60 s (see \(logPath))")
    }

    var isReady: Bool {
        guard let text = try? String(contentsOfFile: dataFolder + "/postmaster.pid", encoding: .utf8) else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count >= 8 && lines[7].trimmingCharacters(in: .whitespaces) == "ready"
    }

    /// Once this process is gone, however it ends, the server stops at once (and its folder goes).
    func startWatchdog(removingFolder: Bool) throws {
        let stop = ([asServerUser(binaries.pgCtl)] + asServerUserArguments(binaries.pgCtl,
            ["stop", "-D", dataFolder, "-m", "immediate", "-w"])).map(shellQuoted).joined(separator: " ")
        try ParentWatchdog.start(then: "if [ -f \(shellQuoted(dataFolder))/postmaster.pid ]; then \(stop) >/dev/null 2>&1; fi"
            + (removingFolder ? "; rm -rf \(shellQuoted(folder))" : ""))
    }

    private func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    func lastLine(of text: String) -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        return lines.last(where: { $0.contains("FATAL") || $0.contains("ERROR") }) ?? lines.last ?? "no output"
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
enum FreePort {
    static func find() throws(StoreError) -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw .clusterFailed("cannot open a socket to find a free port") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socketFD, pointer, length) == 0 && getsockname(socketFD, pointer, &length) == 0
            }
        }
        guard bound else { throw .clusterFailed("cannot find a free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
