import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra approve --district CODE --period YYYY-MM`: maker–checker approval by the caller (a finance
/// token), who must not be the person who triggered the run.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a computed run (maker–checker).")

    @OptionGroup var server: ServerOptions
    @OptionGroup var target: RunTargetOptions

    func run() async throws {
        let (district, period) = (target.district, try target.month())
        let approved = try await ClientFailure.exiting {
            try await server.client().post("/runs/\(district)/\(period)/approve", json: [String: String](), as: RunRoutes.Approved.self)
        }
        let (totals, by) = (approved.totals, approved.approvedBy)
        print("Approved the run of district \(district) for \(period) by \(by): \(totals.count) disbursements, \(Money(dong: totals.totalVND)).")
        for line in ControlTotalsText.lines(totals) { print("  \(line)") }
    }
}
