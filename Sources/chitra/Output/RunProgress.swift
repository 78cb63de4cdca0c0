import ChitraCore
import ChitraStore
import Foundation

/// `chitra run --wait`: a progress bar per district until every run is computed, failed or
/// cancelled — and for an approved run a second bar, its disbursements settled, until the rails have
/// done what they can alone (what is left waits for finance or the post office) — or until no worker has claimed any of their jobs for `stallSeconds` while
/// some wait. Returns how many failed or were cancelled (a stall counts as one).
enum RunProgress {
    /// How long jobs may wait unclaimed before `--wait` says that no worker runs. Two minutes: a
    /// busy worker claims a district's jobs within seconds; a restart takes less than that.
    static let defaultStallSeconds = 120
    static let done: Set<RunState> = [.computed, .paidOut, .completed, .failed, .cancelled]

    static func follow(stallSeconds: Int = defaultStallSeconds, read: () async throws -> RunProgressSnapshot) async throws -> Int {
        let interactive = isatty(STDOUT_FILENO) != 0
        let clock = ContinuousClock()
        let start = clock.now
        var lastText = ""
        var shownLines = 0
        while true {
            let snapshot = try await read()
            let entries = snapshot.runs.sorted { $0.status.district < $1.status.district }
            let runs = entries.map(\.status)
            let text = entries.map { entry in
                [line(entry.status)] + (settling(entry).map { [settledLine(entry.status, $0)] } ?? [])
            }.joined().joined(separator: "\n")
            if text != lastText {
                if interactive, shownLines > 0 { print("\u{1B}[\(shownLines)A\u{1B}[J", terminator: "") }
                print(text)
                shownLines = text.split(separator: "\n").count
                lastText = text
            }
            if entries.allSatisfy({ done.contains($0.status.state) || ($0.status.state == .approved && !$0.moving) }) {
                for run in runs where run.state == .failed { print(RunProgress.failure(run)) }
                for entry in entries { if let settlement = settling(entry) { print(waiting(entry.status, settlement)) } }
                return runs.filter { $0.state == .failed || $0.state == .cancelled }.count
            }
            let activity = snapshot.activity
            let idle = min(activity.secondsSinceLastClaim ?? .infinity, (clock.now - start).seconds)
            if activity.due > 0, activity.running == 0, idle >= Double(stallSeconds) {
                print("No worker has claimed a job of these runs for \(stallSeconds) s while \(activity.due) wait: no worker is running; start chitra-worker.")
                return 1
            }
            try await Task.sleep(for: interactive ? .milliseconds(300) : .seconds(1))
        }
    }

    /// An approved run's disbursements by state: its second bar, and what it waits for.
    static func settling(_ entry: RunProgressSnapshot.Run) -> RunSettlement? {
        entry.status.state == .approved ? entry.settlement : nil
    }

    /// A failed run: why, and the two ways out.
    static func failure(_ run: RunStatus) -> String {
        let reason = run.lastError ?? "no reason was recorded"
        return "\(PayoutUnitCode.named(run.district)): the run failed: \(reason)\(reason.hasSuffix(".") ? "" : ".") Once the cause is fixed, "
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

    /// An approved run's disbursements settled (terminal) of all, and where the rest stand.
    static func settledLine(_ run: RunStatus, _ settlement: RunSettlement) -> String {
        let width = 30
        let total = settlement.total.count
        let settled = total - settlement.inFlight.count
        let filled = total == 0 ? width : min(width, settled * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        func count(_ state: DisbursementState) -> Int { settlement.byState[state.rawValue]?.count ?? 0 }
        return "    [\(bar)] \(settled)/\(total) disbursements settled: paid \(count(.paid) + count(.settled)) (\(count(.settled)) debited on the statement), in cash \(count(.paidCash)), "
            + "on its way \(count(.approved) + count(.submitted) + count(.accepted) + count(.pending)), failed \(count(.failed)), "
            + "on the post office's list \(count(.cashInstructed))"
    }

    /// What an approved run that the rails cannot settle alone waits for.
    static func waiting(_ run: RunStatus, _ settlement: RunSettlement) -> String {
        let failed = settlement.byState[DisbursementState.failed.rawValue]?.count ?? 0
        let cash = settlement.byState[DisbursementState.cashInstructed.rawValue]?.count ?? 0
        var parts: [String] = []
        if failed > 0 {
            parts.append("\(failed) failed transfer\(failed == 1 ? "" : "s") wait for finance (chitra retry, or chitra cash fallback)")
        }
        if cash > 0 {
            parts.append("\(cash) payment\(cash == 1 ? "" : "s") on the post office's list wait for its confirmations (chitra cash confirm, chitra cash close)")
        }
        return "\(PayoutUnitCode.named(run.district)): " + (parts.isEmpty ? "every disbursement is settled." : parts.joined(separator: "; ") + ".")
    }
}
