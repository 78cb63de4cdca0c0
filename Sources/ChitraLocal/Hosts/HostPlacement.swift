import Foundation

/// Where a child process runs: inside a host of `ops/hosts` (a network namespace), held to a CPU
/// share if one is given. The process is started through the harness (`hosts run NAME --cpu F`),
/// so that everything it forks stays in its host and its share.
public struct HostPlacement: Sendable, Hashable {
    /// The harness, `ops/hosts/hosts`.
    public var script: String
    /// The host's name (`db`, `w1`): it is `NAME.chitra.test` to the others.
    public var host: String
    /// At most this many cores for everything in the host (nil: no limit).
    public var cpu: Double?

    public init(script: String, host: String, cpu: Double? = nil) {
        self.script = script
        self.host = host
        self.cpu = cpu
    }

    /// The command that starts a program in the host: put before the program and its arguments.
    public var prefix: [String] {
        [script, "run", host] + (cpu.map { ["--cpu", String($0)] } ?? [])
    }

    /// The host's name on the hosts' network.
    public var hostName: String { host + ".chitra.test" }

    /// The host's address (the harness's `address`).
    public func address() async throws -> String {
        let answer = try await Subprocess.run(script, ["address", host])
        guard answer.status == 0 else { throw HostFailure(what: "the address of host \(host)", output: answer.output) }
        return answer.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The hosts' harness said no: what was asked and what it printed.
public struct HostFailure: Error, CustomStringConvertible {
    public var what: String
    public var output: String
    public var description: String { "ops/hosts could not give \(what): \(output.suffix(500))" }
}
