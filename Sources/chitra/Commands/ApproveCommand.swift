import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra approve --district CODE --period YYYY-MM --by NAME`: maker–checker approval.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a computed run (maker–checker).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var target: RunTargetOptions
    @Option(help: "Who approves; not the person who triggered the run.") var by: String

    func run() async throws {
        let (district, period, by) = (target.district, try target.month(), self.by)
        let totals = try await connection.withDatabase(districts: [district]) {
            try await RunApproval.approve(district: district, period: period, by: by, database: $0)
        }
        print("Approved the run of district \(district) for \(period) by \(by): \(totals.count) disbursements, \(Money(dong: totals.totalVND)).")
        for line in ControlTotalsText.lines(totals) { print("  \(line)") }
    }
}
