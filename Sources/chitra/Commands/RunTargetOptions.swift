import ArgumentParser
import ChitraCore

/// The run a command acts on: `--district CODE --period YYYY-MM`.
struct RunTargetOptions: ParsableArguments {
    @Option(help: "The district (3 digits).") var district: String
    @Option(help: "The month (YYYY-MM).") var period: String

    /// The period, or a sentence saying how to write it.
    func month() throws -> Period {
        guard let period = Period(period) else { throw ValidationError("--period must be written YYYY-MM.") }
        return period
    }
}
