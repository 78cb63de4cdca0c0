import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra run --period YYYY-MM [--district CODE ...] [--auto-approve]`: the coordinator.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Trigger (the default), resume or cancel the monthly run of districts.",
        subcommands: [Start.self, Resume.self, Cancel.self], defaultSubcommand: Start.self)

    /// `chitra run resume --district CODE --period YYYY-MM`.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a failed run once its cause is fixed: the steps that did not complete run again; what committed stays.")
        @OptionGroup var server: ServerOptions
        @OptionGroup var target: RunTargetOptions

        func run() async throws {
            let (district, period) = (target.district, try target.month())
            let outcome = try await ClientFailure.exiting {
                try await server.client().post("/runs/\(district)/\(period)/resume", json: [String: String](), as: [String: String].self)
            }
            print(outcome["message"] ?? "")
        }
    }

    /// `chitra run cancel --district CODE --period YYYY-MM`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a run that is not yet approved (a failed one included).")
        @OptionGroup var server: ServerOptions
        @OptionGroup var target: RunTargetOptions

        func run() async throws {
            let (district, period) = (target.district, try target.month())
            let answer = try await ClientFailure.exiting {
                try await server.client().post("/runs/\(district)/\(period)/cancel", json: [String: String](), as: [String: Int].self)
            }
            let removed = answer["disbursements_removed"] ?? 0
            print("Cancelled the run of district \(district) for \(period): \(removed) disbursements removed. Triggering it again computes afresh.")
        }
    }

    /// `chitra run [start] --period YYYY-MM [--district CODE ...] [--auto-approve]`.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trigger the monthly run of districts (once per district and month).")

        @OptionGroup var server: ServerOptions
        @Option(help: "The month to pay (YYYY-MM).") var period: String
        @Option(name: [.customLong("unit"), .customLong("district")], help: "A payout unit (district 3 digits, commune 5); repeat for several. Default: every unit with a register paying that month.") var district: [String] = []
        @Flag(help: "Approve the run as soon as it is computed, without finance (an admin's token only; audited).") var autoApprove = false
        @Flag(help: "Show progress until the runs are computed; exit non-zero if one fails.") var wait = false
        @Flag(help: "Run a month before the policy tables or more than one month ahead (an admin's token only; recorded on the run and audited).") var force = false
        @Option(help: "With --wait: give up, non-zero, when no worker has claimed a job of the runs for this long while some wait.")
        var stallSeconds: Int = RunProgress.defaultStallSeconds

        func run() async throws {
            guard let period = Period(self.period) else { throw ValidationError("--period must be written YYYY-MM.") }
            let districts = district.isEmpty ? nil : district
            let client = try server.client()
            let trigger = RunRoutes.Trigger(period: "\(period)", units: districts, autoApprove: autoApprove ? true : nil, force: force ? true : nil)
            let outcomes = try await ClientFailure.exiting {
                try await client.post("/runs", json: trigger, as: [RunRoutes.Triggered].self)
            }
            if outcomes.isEmpty { print("No district of yours has a register yet; import one first.") }
            for outcome in outcomes { print(outcome.message) }
            guard wait, !outcomes.isEmpty else { return }
            let failed = try await ClientFailure.exiting {
                try await RunProgress.follow(stallSeconds: stallSeconds) {
                    try await client.get("/runs/progress", query: [("period", "\(period)"), ("unit", districts?.joined(separator: ","))],
                                         as: RunProgressSnapshot.self)
                }
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
