import ChitraLocal
import ChitraTesting
import Foundation
import Testing

/// The hosts harness (`ops/hosts/hosts`, issue 29): hosts as network namespaces on a private
/// network, reachable from each other and not from the machine, a host's link cut and mended, and
/// a host's CPU share enforced. What the cut-off and failover tests will stand on.
@Suite("Hosts on one machine", .serialized, .machine(limit: .minutes(5)))
struct HostsTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("ops/hosts/hosts").path

    /// Runs the harness and returns its exit status and output.
    static func hosts(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(script, arguments)
    }

    @Test("a host reaches another over the private network, not once its link is cut, again once mended; the machine reaches neither; a host held to a quarter of a core uses no more")
    func hostsAndLinks() async throws {
        _ = try await Self.hosts(["down"])
        let made = try await Self.hosts(["up", "tsim", "tw1"])
        #expect(made.status == 0, "\(made.output)")
        do {
            let address = try await Self.hosts(["address", "tsim"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(address.hasPrefix("10.77.0."), "\(address)")
            let (banksim, leading) = ChitraProgram.banksim.command
            let log = NSTemporaryDirectory() + "chitra-hosts-sim-\(UUID().uuidString.prefix(8)).log"
            let simulator = try ChildProcess(executable: Self.script,
                                             arguments: ["run", "tsim", banksim] + leading + ["--host", address, "--port", "8097", "--faults", "none"],
                                             logPath: log)
            defer { simulator.signal(SIGTERM) }
            try await eventually("the simulator listens in its host") {
                ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("listening on ")
            }
            let health = ["run", "tw1", "curl", "-s", "--noproxy", "*", "-m", "2", "http://\(address):8097/health"]
            // Listening, its host's network may still be settling: the first answer is awaited, not assumed.
            try await eventually("a host reaches the simulator in another") { try await Self.hosts(health).output.contains("ok") }
            // The machine's own network has no way to the hosts (whatever answers there, if anything, is not the simulator).
            let machineLog = NSTemporaryDirectory() + "chitra-hosts-machine-\(UUID().uuidString.prefix(8)).log"
            defer { try? FileManager.default.removeItem(atPath: machineLog) }
            let fromMachine = try ChildProcess(executable: "/usr/bin/curl", arguments: ["-s", "--noproxy", "*", "-m", "2", "http://\(address):8097/health"],
                                               logPath: machineLog)
            _ = await fromMachine.waitForExit()
            let machineSaw = (try? String(contentsOfFile: machineLog, encoding: .utf8)) ?? ""
            #expect(machineSaw != "ok\n", "the machine itself does not reach a host: \(machineSaw)")
            #expect(try await Self.hosts(["cut", "tw1"]).status == 0)
            let answer = try await Self.hosts(health)
            #expect(answer.status != 0 && !answer.output.contains("ok"), "cut off: \(answer.output)")
            #expect(try await Self.hosts(["mend", "tw1"]).status == 0)
            try await eventually("the host reaches the simulator again") { try await Self.hosts(health).output.contains("ok") }
            // Two to three seconds of a busy loop held to a quarter of a core: at most three quarters of
            // a second of CPU (the shell's own user and system ticks, a hundredth of a second each).
            let busy = try await Self.hosts(["run", "tw1", "--cpu", "0.25", "bash", "-c",
                                             #"end=$((SECONDS+3)); while [ $SECONDS -lt $end ]; do :; done; cut -d' ' -f14,15 /proc/$$/stat"#])
            let ticks = busy.output.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
            let seconds = Double(ticks.reduce(0, +)) / 100
            #expect(ticks.count == 2 && seconds > 0.1 && seconds < 1.0, "a quarter of a core for 2–3 s used \(seconds) s of CPU: \(busy.output)")
        } catch {
            _ = try await Self.hosts(["down"])
            throw error
        }
        let removed = try await Self.hosts(["down"])
        #expect(removed.status == 0, "\(removed.output)")
    }
}
