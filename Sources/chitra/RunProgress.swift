import ChitraCore
import ChitraStore
import Foundation

/// `chitra run --wait`: a progress bar per district until every run is computed (or further),
/// failed or cancelled. Returns how many failed or were cancelled.
enum RunProgress {
    static let done: Set<String> = ["computed", "approved", "completed", "failed", "cancelled"]

    static func follow(period: Period, districts: [String]?, database: Database) async throws -> Int {
        let interactive = isatty(STDOUT_FILENO) != 0
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
                for run in runs where run.state == "failed" {
                    print("District \(run.district): the run failed: \(run.lastError ?? "no reason recorded").")
                }
                return runs.filter { $0.state == "failed" || $0.state == "cancelled" }.count
            }
            try await Task.sleep(for: interactive ? .milliseconds(300) : .seconds(1))
        }
    }

    /// Beneficiaries computed of the run's members (the rails will add disbursements settled).
    static func line(_ run: RunStatus) -> String {
        let width = 30
        let filled: Int
        if let members = run.members { filled = members == 0 ? width : min(width, run.membersDone * width / members) } else { filled = 0 }
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let members = run.members.map { "\(run.membersDone)/\($0) beneficiaries computed" } ?? "planning"
        return "\(run.district) [\(bar)] \(members), \(run.shardsDone)/\(run.shards.map(String.init) ?? "?") shards, \(run.state)"
    }
}
