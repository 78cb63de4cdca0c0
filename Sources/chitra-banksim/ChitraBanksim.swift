import ArgumentParser
import ChitraBankSimulator

/// `chitra-banksim`: the bank simulator on its own (the same program as `chitra banksim`).
@main
struct ChitraBanksim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chitra-banksim", abstract: BankSimulatorOptions.abstract)

    @OptionGroup var options: BankSimulatorOptions

    func run() async throws {
        try await options.run()
    }
}
