import ChitraCore
import ChitraStore
import Foundation

/// `chitra run --wait`: a progress bar per district until every run is computed (or further),
/// failed or cancelled, or until no worker has claimed any of their jobs for `stallSeconds` while
/// some wait. Returns how many failed or were cancelled (a stall counts as one).
enum RunProgress {
    /// How long jobs may wait unclaimed before `--wait` says that no worker runs. Two minutes: a
    /// busy worker claims a district's jobs within seconds; a restart takes less than that.
    static let defaultStallSeconds = 120
    static let done: Set<RunState> = [.computed, .approved, .completed, .failed, .cancelled]

    static func follow(period: Period, districts: [String]?, stallSeconds: Int = defaultStallSeconds, database: Database) async throws -> Int {
        let interactive = isatty(STDOUT_FILENO) != 0
        let clock = ContinuousClock()
        let start = clock.now
        var lastText = ""
        var shownLines = 0
        while true {
            let runs = try await RunStatus.list(period: period, districts: districts, database: database)
                .sorted { $0.district < $1.district }
            let text = runs.map(line).joined(separator: "\n")
            if text != lastText {
                if interactive, shownLines > 0 { print("\u{1B}[\(shownLines)A\u{1B}[J", terminator: "") }
                print(text)
                shownLines = runs.count
                lastText = text
            }
            if runs.allSatisfy({ done.contains($0.state) }) {
                for run in runs where run.state == .failed { print(RunProgress.failure(run)) }
                return runs.filter { $0.state == .failed || $0.state == .cancelled }.count
            }
            let activity = try await RunStatus.activity(runIDs: runs.map(\.runID), database: database)
            let idle = min(activity.secondsSinceLastClaim ?? .infinity, (clock.now - start).seconds)
            if activity.due > 0, activity.running == 0, idle >= Double(stallSeconds) {
                print("No worker has claimed a job of these runs for \(Int(idle)) s while \(activity.due) wait: no worker is running; start chitra-worker.")
                return 1
            }
            try await Task.sleep(for: interactive ? .milliseconds(300) : .seconds(1))
        }
    }

    /// A failed run: why, and the two ways out.
    static func failure(_ run: RunStatus) -> String {
        let reason = run.lastError ?? "no reason was recorded"
        return "District \(run.district): the run failed: \(reason)\(reason.hasSuffix(".") ? "" : ".") Once the cause is fixed, "
            + "`chitra run resume --district \(run.district) --period \(run.period)` completes what did not; "
            + "`chitra run cancel --district \(run.district) --period \(run.period)` removes what it wrote."
    }

    /// Beneficiaries computed of the run's members (the rails will add disbursements settled).
    static func line(_ run: RunStatus) -> String {
        let width = 30
        let filled: Int
        if let members = run.members { filled = members == 0 ? width : min(width, run.membersDone * width / members) } else { filled = 0 }
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let members = run.members.map { "\(run.membersDone)/\($0) beneficiaries computed" } ?? "planning"
        return "\(run.district) [\(bar)] \(members), \(run.shardsDone)/\(run.shards.map(String.init) ?? "?") shards, \(run.state.rawValue)"
    }
}
