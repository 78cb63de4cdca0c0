import ArgumentParser
import ChitraBankSimulator

/// `chitra-banksim`: the bank simulator on its own (the same program as `chitra banksim`).
@main
struct ChitraBanksim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chitra-banksim", abstract: BankSimulatorCommand.configuration.abstract,
        subcommands: [BankSimulatorCommand.self], defaultSubcommand: BankSimulatorCommand.self)
}
