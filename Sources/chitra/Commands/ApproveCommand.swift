import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra approve --district CODE --period YYYY-MM`: maker–checker approval by the caller (a finance
/// token), who must not be the person who triggered the run.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a computed run (maker–checker).")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var target: RunTargetOptions

    func run() async throws {
        let (district, period) = (target.district, try target.month())
        let (totals, by) = try await connection.withCaller(.approveRun, districts: [district]) { database, caller in
            (try await RunApproval.approve(district: district, period: period, by: caller, database: database), caller.name)
        }
        print("Approved the run of district \(district) for \(period) by \(by): \(totals.count) disbursements, \(Money(dong: totals.totalVND)).")
        for line in ControlTotalsText.lines(totals) { print("  \(line)") }
    }
}
