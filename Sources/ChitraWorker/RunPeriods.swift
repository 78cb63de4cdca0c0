import ChitraCore
import ChitraStore
import Synchronization

/// The month of each run a worker's jobs belong to, so that every log line of a job carries its
/// period: from the job's arguments where they carry it (plan and compute jobs: a country's month
/// is thousands of runs, one a commune), else read once per run and kept.
final class RunPeriods: Sendable {
    private let known = Mutex<[Int64: String]>([:])
    /// Runs kept at most; past it the cache starts again (a process sees a handful of runs a month).
    static let capacity = 1_000

    private struct RunArgument: Decodable { var runID: Int64?; var period: String? }

    func period(of job: ClaimedJob, database: Database) async -> String? {
        guard let argument = try? job.decodeArgs(RunArgument.self) else { return nil }
        if let period = argument.period.flatMap(Period.init) { return period.description }
        guard let runID = argument.runID else { return nil }
        if let period = known.withLock({ $0[runID] }) { return period }
        guard let period = (try? await RunRails.run(runID, database: database))??.period.description else { return nil }
        known.withLock { known in
            if known.count >= Self.capacity { known.removeAll() }
            known[runID] = period
        }
        return period
    }
}
