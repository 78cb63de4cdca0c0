import ArgumentParser
import Foundation
import Hummingbird
import Logging

/// `chitra banksim` (and the thin `chitra-banksim`): banks and e-wallet providers for tests,
/// benchmarks and the demo.
public struct BankSimulatorCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(commandName: "banksim", abstract: BankSimulatorOptions.abstract)

    @OptionGroup public var options: BankSimulatorOptions

    public init() {}

    public func run() async throws {
        try await options.run()
    }
}

/// The simulator's options and what it does with them, shared by `chitra banksim` and `chitra-banksim`.
public struct BankSimulatorOptions: ParsableArguments, Sendable {
    public static let abstract = "A bank and e-wallet gateway simulator: pain.001 in, pain.002 out; wallet batches in JSON; faults on demand."

    @Option(help: "The port to listen on (0: any free port; the line printed at start names it).")
    var port = 8090

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "none, realistic, or a JSON file of rates (see openapi.yaml).")
    var faults = "none"

    @Option(help: "Makes the faults repeatable.")
    var seed: UInt64 = 1

    @Flag(name: .customLong("no-dedup"), help: "Play a careless bank: credit whatever arrives, resends included.")
    var noDedup = false

    @Option(help: "Keep every file received and sent in this folder.")
    var archive: String?

    public init() {}

    public func run() async throws {
        let plan: FaultPlan
        do { plan = try FaultPlan.named(faults) } catch { throw ValidationError("\(error)") }
        let gateway = Gateway(plan: plan, seed: seed, deduplicates: !noDedup)
        let routes = Routes(gateway: gateway, archive: try archive.map(Archive.init(path:)))
        let router = Router()
        routes.add(to: router)
        var logger = Logger(label: "chitra-banksim")
        logger.logLevel = .warning
        let description = "faults \(faults), seed \(seed), \(noDedup ? "no dedup" : "dedup by EndToEndId")"
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "chitra-banksim"),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? port
                                  let line = "chitra-banksim listening on http://\(host):\(bound) (\(description))\n"
                                  FileHandle.standardOutput.write(Data(line.utf8))
                              }, logger: logger)
        try await app.runService()
    }
}
