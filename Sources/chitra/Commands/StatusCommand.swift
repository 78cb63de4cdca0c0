import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra status [--period] [--district] [--json]`: runs, progress, control totals.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show runs, their progress and control totals.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Only this month (YYYY-MM).") var period: String?
    @Option(name: [.customLong("unit"), .customLong("district")], help: "Only this payout unit; repeat for several.") var district: [String] = []
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "List the shards of the run (with --district and --period): range, state, members, totals, job.") var shards = false
    @Flag(help: "List the run's payment files and wallet batches (with --district and --period): MsgId, rail, bank, state, transfers, failed now.")
    var batches = false

    func validate() throws {
        guard !shards || (period != nil && district.count == 1) else { throw ValidationError("--shards needs one --district and --period.") }
        guard !batches || (period != nil && district.count == 1) else { throw ValidationError("--batches needs one --district and --period.") }
    }

    func run() async throws {
        let period = try self.period.map { text -> Period in
            guard let period = Period(text) else { throw ValidationError("--period must be written YYYY-MM.") }
            return period
        }
        let districts = district.isEmpty ? nil : district
        if shards, let period { return try await printShards(district: district[0], period: period) }
        if batches, let period { return try await printBatches(district: district[0], period: period) }
        let snapshot = try await ClientFailure.exiting {
            try await server.client().get("/runs/progress", query: [("period", period?.description), ("unit", districts?.joined(separator: ","))],
                                          as: RunProgressSnapshot.self)
        }
        let runs = snapshot.runs.map(\.status)
        if json {
            return print(try jsonText(runs))
        }
        guard !runs.isEmpty else { return print("No runs match.") }
        var table = TextTable("RUN", "DISTRICT", "PERIOD", "STATE", "COMPUTED", "SHARDS", "DISBURSEMENTS", "TOTAL VND")
        for run in runs {
            table.add("\(run.runID)", run.district, run.period + (run.periodForced ? " (forced)" : ""), run.state.rawValue, "\(run.membersDone)/\(run.members.map(String.init) ?? "-")",
                      "\(run.shardsDone)/\(run.shards.map(String.init) ?? "-")", "\(run.disbursements)",
                      Money(dong: run.disbursedVND).description)
        }
        print(table.rendered)
        print("Control totals (count and sum of disbursements):")
        for run in runs where run.totals.count > 0 {
            print("  \(run.district) \(run.period): " + ControlTotalsText.lines(run.totals).joined(separator: "; "))
        }
        if snapshot.runs.contains(where: { $0.settlement != nil }) { print("Settlement (disbursements by state):") }
        for case let (run, settlement?) in snapshot.runs.map({ ($0.status, $0.settlement) }) {
            let flight = settlement.inFlight
            print("  \(run.district) \(run.period): \(settlement.line)"
                  + (flight.count > 0 ? " (in flight \(flight.count) · \(Money(dong: flight.amountVND)))" : " (all settled)"))
        }
        for run in runs where run.state == .failed { print(RunProgress.failure(run)) }
        for run in runs where run.state != .failed {
            if let error = run.lastError { print("  \(run.district) \(run.period): \(error)") }
        }
    }

    private func printBatches(district: String, period: Period) async throws {
        let batches = try await ClientFailure.exiting {
            try await server.client().get("/runs/\(district)/\(period)/batches", as: [TransferBatchSummary].self)
        }
        if json {
            return print(try jsonText(batches))
        }
        guard !batches.isEmpty else { return print("\(PayoutUnitCode.named(district)) has sent no batch for \(period).") }
        var table = TextTable("MSGID", "RAIL", "TO", "STATE", "TRANSFERS", "TOTAL VND", "FAILED NOW", "RE-RUN BY")
        for batch in batches {
            table.add(batch.messageID, batch.rail, batch.institution, batch.state, "\(batch.transfers)", Money(dong: batch.amountVND).description,
                      "\(batch.failedNow)", batch.requestedBy ?? "")
        }
        print(table.rendered)
    }

    private func printShards(district: String, period: Period) async throws {
        let client = try server.client()
        let snapshot = try await ClientFailure.exiting {
            try await client.get("/runs/progress", query: [("period", "\(period)"), ("unit", district)], as: RunProgressSnapshot.self)
        }
        guard let run = snapshot.runs.first?.status else { return print("\(PayoutUnitCode.named(district)) has no run for \(period).") }
        let records = try await ClientFailure.exiting {
            try await client.get("/runs/\(district)/\(period)/shards", as: [RunShardRecord].self)
        }
        if json {
            return print(try jsonText(records))
        }
        print("Run \(run.runID) of district \(district) for \(period): \(run.state.rawValue), \(records.filter { $0.state == .done }.count) of \(records.count) shards done.")
        var table = TextTable("SHARD", "FROM", "TO", "STATE", "MEMBERS", "DISBURSEMENTS", "TOTAL VND", "JOB", "ATTEMPT")
        for record in records {
            let dash = "-"
            let members: String = record.members.map { String($0) } ?? dash
            let disbursements: String = record.disbursements.map { String($0) } ?? dash
            let amount: String = record.amountVND.map { Money(dong: $0).description } ?? dash
            let job: String = record.jobID.map { String($0) } ?? dash
            let attempt: String = record.attempt.map { String($0) } ?? dash
            table.add(String(record.shard), record.lower, record.upper ?? "(end)", record.state.rawValue, members, disbursements,
                      amount, job, attempt)
        }
        print(table.rendered)
    }
}
