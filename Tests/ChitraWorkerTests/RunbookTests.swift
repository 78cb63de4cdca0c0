import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// The runbooks' commands, run as written (ops/runbooks/check): the month for an operator,
/// finance's re-runs, scaling workers out, a worker and the database dying mid-run, a
/// point-in-time restore. A runbook whose commands do not work fails here.
@Suite("Runbooks", .timeLimit(.minutes(15)))
struct RunbookTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("every runbook's commands run against a private PostgreSQL and the bank simulator")
    func rehearse() async throws {
        // Four worker processes and 300,000 beneficiaries: it takes the machine alone.
        try await QuietMachine.shared.alone {
            let log = NSTemporaryDirectory() + "chitra-runbooks-\(UUID().uuidString.prefix(8)).log"
            defer { try? FileManager.default.removeItem(atPath: log) }
            let check = try ChildProcess(executable: "/bin/bash", arguments: [Self.root.path + "/ops/runbooks/check"],
                                         environment: ["CHITRA_BIN": ChildProcess.executableFolder, "CHITRA_LOG_LEVEL": "warning"],
                                         logPath: log)
            let status = await check.waitForExit()
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let lines = output.split(separator: "\n").filter { !$0.hasPrefix("+") }
            #expect(status == 0, "\(lines.suffix(60).joined(separator: "\n"))")
            #expect(output.contains("Rehearsed 5 runbooks; every command passed."))
        }
    }
}
