import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra run --period YYYY-MM [--district CODE ...] [--auto-approve]`: the coordinator.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Trigger (the default) or cancel the monthly run of districts.",
        subcommands: [Start.self, Cancel.self], defaultSubcommand: Start.self)

    /// `chitra run cancel --district CODE --period YYYY-MM`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a run that is not yet approved.")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The district (3 digits).") var district: String
        @Option(help: "The month (YYYY-MM).") var period: String

        func run() async throws {
            guard let period = Period(self.period) else { throw ValidationError("--period must be written YYYY-MM.") }
            let district = self.district
            let removed = try await connection.withDatabase(districts: [district]) {
                try await RunCancellation.cancel(district: district, period: period, database: $0)
            }
            print("Cancelled the run of district \(district) for \(period): \(removed) disbursements removed. Triggering it again computes afresh.")
        }
    }

    /// `chitra run [start] --period YYYY-MM [--district CODE ...] [--auto-approve]`.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trigger the monthly run of districts (once per district and month).")

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The month to pay (YYYY-MM).") var period: String
        @Option(help: "A district (3 digits); repeat for several. Default: every district with a register.") var district: [String] = []
        @Flag(help: "Approve the run as soon as it is computed (demos and tests).") var autoApprove = false
        @Option(help: "Who triggers the run (for maker–checker).") var by: String = ProcessInfo.processInfo.environment["USER"] ?? "operator"
        @Flag(help: "Show progress until the runs are computed; exit non-zero if one fails.") var wait = false
        @Flag(help: "Run a month before the policy tables or more than one month ahead (recorded on the run).") var force = false

        func run() async throws {
            guard let period = Period(self.period) else { throw ValidationError("--period must be written YYYY-MM.") }
            let districts = district.isEmpty ? nil : district
            let (by, autoApprove, force) = (self.by, self.autoApprove, self.force)
            let outcomes = try await connection.withDatabase { database in
                try await RunCoordinator(database: database).trigger(period: period, districts: districts, by: by,
                                                                     autoApprove: autoApprove, force: force)
            }
            if outcomes.isEmpty { print("No district has a register yet; import one first.") }
            for outcome in outcomes { print(outcome.description) }
            guard wait, !outcomes.isEmpty else { return }
            let failed = try await connection.withDatabase { database in
                try await RunProgress.follow(period: period, districts: districts, database: database)
            }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}

/// `chitra status [--period] [--district] [--json]`: runs, progress, control totals.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show runs, their progress and control totals.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Only this month (YYYY-MM).") var period: String?
    @Option(help: "Only this district; repeat for several.") var district: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let period = try self.period.map { text -> Period in
            guard let period = Period(text) else { throw ValidationError("--period must be written YYYY-MM.") }
            return period
        }
        let districts = district.isEmpty ? nil : district
        let runs = try await connection.withDatabase(districts: district) { try await RunStatus.list(period: period, districts: districts, database: $0) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(runs), as: UTF8.self))
            return
        }
        guard !runs.isEmpty else { return print("No runs match.") }
        var table = TextTable("RUN", "DISTRICT", "PERIOD", "STATE", "COMPUTED", "SHARDS", "DISBURSEMENTS", "TOTAL VND")
        for run in runs {
            table.add("\(run.runID)", run.district, run.period + (run.periodForced ? " (forced)" : ""), run.state, "\(run.membersDone)/\(run.members.map(String.init) ?? "-")",
                      "\(run.shardsDone)/\(run.shards.map(String.init) ?? "-")", "\(run.disbursements)",
                      Money(dong: run.disbursedVND).description)
        }
        print(table.rendered)
        print("Control totals (count and sum of disbursements):")
        for run in runs where run.totals.count > 0 {
            print("  \(run.district) \(run.period): " + ControlTotalsText.lines(run.totals).joined(separator: "; "))
        }
        for run in runs {
            if let error = run.lastError { print("  \(run.district) \(run.period): \(error)") }
        }
    }
}

/// `chitra approve --district CODE --period YYYY-MM --by NAME`: maker–checker approval.
struct ApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a computed run (maker–checker).")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The district (3 digits).") var district: String
    @Option(help: "The month (YYYY-MM).") var period: String
    @Option(help: "Who approves; not the person who triggered the run.") var by: String

    func run() async throws {
        guard let period = Period(self.period) else { throw ValidationError("--period must be written YYYY-MM.") }
        let (district, by) = (self.district, self.by)
        let totals = try await connection.withDatabase(districts: [district]) {
            try await RunApproval.approve(district: district, period: period, by: by, database: $0)
        }
        print("Approved the run of district \(district) for \(period) by \(by): \(totals.count) disbursements, \(Money(dong: totals.totalVND)).")
        for line in ControlTotalsText.lines(totals) { print("  \(line)") }
    }
}
