import ArgumentParser
import ChitraBankSimulator
import ChitraWorkerCommand

/// `chitra`: the command line of Chitra, the payout processor.
@main
struct Chitra: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chitra",
        abstract: "Chitra pays monthly social-security benefits without cash.",
        subcommands: [DemoCommand.self, DBCommand.self, MigrateCommand.self, ImportCommand.self, ListsCommand.self, DistrictsCommand.self, UnitsCommand.self, RetryCommand.self, TokenCommand.self, AuditCommand.self, ReportCommand.self, ServeCommand.self,
                      RunCommand.self, ApproveCommand.self, StatusCommand.self, ExportCommand.self, CashCommand.self, StatementsCommand.self, GenerateCommand.self, JobsCommand.self, BenchCommand.self,
                      WorkerCommand.self, BankSimulatorCommand.self])
}
