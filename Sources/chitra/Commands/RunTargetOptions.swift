import ArgumentParser
import ChitraCore

/// The run a command acts on: `--district CODE --period YYYY-MM`.
struct RunTargetOptions: ParsableArguments {
    @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
    @Option(help: "The month (YYYY-MM).") var period: String

    /// The period, or a sentence saying how to write it.
    func month() throws -> Period {
        guard let period = Period(period) else { throw ValidationError("--period must be written YYYY-MM.") }
        return period
    }
}
