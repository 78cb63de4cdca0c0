import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// `chitra run --wait` when a run cannot finish: it says why and exits non-zero, never waits forever.
extension CommandLineTests {
    @Test("a compute job that kills its worker on every attempt fails its run, and run --wait exits non-zero with the reason")
    func workerDiesOnEveryAttempt() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "959")
            file.add("K1", [.eligibleFrom: "2024-09"])
            file.add("K2", [.eligibleFrom: "2024-09"])
            _ = try await Self.run(["import", try file.write(), "--district", "959"], url: url)
            // Each worker dies (SIGKILL) at its first shard write; a new one is started after each death,
            // as systemd would. Three attempts, a lease of 1.5 s. Two shards of one: compute jobs (a run
            // of one shard is computed by its plan job).
            let keepWorking = Task {
                var deaths = 0
                while !Task.isCancelled {
                    let worker = try WorkerProcesses.spawn(url: url, arguments: ["--die-after-writing-shard", "1", "--compute-max-attempts", "3", "--shard-size", "1"])
                    let status = await withTaskCancellationHandler {
                        await worker.waitForExit()
                    } onCancel: {
                        worker.signal(SIGKILL)
                    }
                    if status != 0 { deaths += 1 }
                }
                return deaths
            }
            let result = try await Self.run(["run", "--period", "2024-09", "--district", "959", "--wait"], url: url)
            keepWorking.cancel()
            let deaths = try await keepWorking.value
            #expect(result.status != 0)
            #expect(result.output.contains("District 959: the run failed: its compute job "), "\(result.output)")
            #expect(result.output.contains("was discarded: the worker running it died or stopped on every attempt (3 of 3)."), "\(result.output)")
            #expect(deaths >= 3)
        }
    }

    @Test("run --wait with no worker running gives up after --stall-seconds with a sentence and a non-zero exit")
    func noWorkerStalls() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "960")
            file.add("S1", [.eligibleFrom: "2024-09"])
            _ = try await Self.run(["import", try file.write(), "--district", "960"], url: url)
            let result = try await Self.run(["run", "--period", "2024-09", "--district", "960", "--wait", "--stall-seconds", "2"], url: url)
            #expect(result.status != 0)
            #expect(result.output.hasSuffix("while 1 wait: no worker is running; start chitra-worker."), "\(result.output)")
            #expect(result.output.contains("No worker has claimed a job of these runs for 2 s"), "\(result.output)")
        }
    }

    @Test("run resume and status --shards from the command line")
    func resumeCommand() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "961")
            file.add("A0", [.eligibleFrom: "2021-01"])
            _ = try await Self.run(["import", try file.write(), "--district", "961"], url: url)
            let worker = try WorkerProcesses.spawn(url: url)
            defer { worker.signal(SIGTERM) }
            var result = try await Self.run(["run", "--period", "2024-09", "--district", "961", "--wait"], url: url)
            #expect(result.status != 0)
            result = try await Self.run(["status", "--district", "961", "--period", "2024-09", "--shards"], url: url)
            #expect(result.output.hasPrefix("Run 1 of district 961 for 2024-09: failed, 0 of 1 shards done."), "\(result.output)")
            #expect(result.output.contains("pending"), "\(result.output)")
            result = try await Self.run(["status", "--district", "961"], url: url)
            #expect(result.output.contains("`chitra run resume --district 961 --period 2024-09` completes what did not"), "\(result.output)")
            // The cause is not fixed: resumed, it fails again with the same reason.
            result = try await Self.run(["run", "resume", "--district", "961", "--period", "2024-09"], url: url)
            #expect(result.status == 0 && result.output == "Resumed run 1 of district 961 for 2024-09: 1 of its 1 shards compute again; the 0 done keep what they wrote.")
            result = try await Self.run(["run", "--period", "2024-09", "--district", "961", "--wait"], url: url)
            #expect(result.status != 0 && result.output.contains("the run failed: shard 0 stopped: No base level"), "\(result.output)")
        }
    }
}

extension CommandLineTests {
    @Test("chitra cash list writes the post office's list, readable by its owner only")
    func cashList() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "957")
            file.add("Q1", [.eligibleFrom: "2024-09"])
            _ = try await Self.run(["import", try file.write(), "--district", "957"], url: url)
            let worker = try WorkerProcesses.spawn(url: url)
            defer { worker.signal(SIGTERM) }
            _ = try await Self.run(["run", "--period", "2024-09", "--district", "957", "--auto-approve", "--wait"], url: url)
            try await eventually("cash listed") {
                try await Self.run(["export", "disbursements", "--district", "957", "--period", "2024-09"], url: url)
                    .output.contains(",cash_instructed,")
            }
            let out = NSTemporaryDirectory() + "chitra-cash-\(UUID().uuidString.prefix(8)).csv"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try await Self.run(["cash", "list", "--district", "957", "--period", "2024-09", "--out", out], url: url)
            #expect(result.status == 0 && result.output == "Wrote 1 cash payments of district 957 for 2024-09, 500.000 ₫, to \(out).")
            let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)
            // A list the server refuses leaves no file behind, not even an empty one.
            let refusedOut = out + ".refused"
            let refused = try await Self.run(["cash", "list", "--district", "954", "--period", "2024-09", "--out", refusedOut], url: url,
                                             as: TestPerson("Op Khác", .operator, districts: ["957"]))
            #expect(refused.status == 4 && !FileManager.default.fileExists(atPath: refusedOut), "\(refused.output)")
            // The post office's answer closes it; the same file again changes nothing.
            let confirmations = try RegisterFileBuilder.temporaryFile(Data(
                "end_to_end_id,beneficiary_id,amount_vnd,status,paid_on,received_by\nCT957202409NQ1,Q1,500000,paid,2024-10-02,Q1\n".utf8))
            var confirmed = try await Self.run(["cash", "confirm", confirmations], url: url)
            #expect(confirmed.status == 0 && confirmed.output.hasPrefix("Confirmed 1 cash payments: 1 paid, 0 returned (not found). Run 1 is completed: every disbursement has its outcome"),
                    "\(confirmed.output)")
            confirmed = try await Self.run(["cash", "confirm", confirmations], url: url)
            #expect(confirmed.output.hasPrefix("This file was already confirmed (by \(TestPerson.financeBinh.name) on "), "\(confirmed.output)")
            let status = try await Self.run(["status", "--district", "957"], url: url)
            #expect(status.output.contains("957 2024-09: paid_cash 1 · 500.000 ₫ (all settled)"), "\(status.output)")
            confirmed = try await Self.run(["cash", "confirm", "/nonexistent.csv"], url: url)
            #expect(confirmed.status != 0 && confirmed.output == "Error: The confirmation file /nonexistent.csv does not exist.")
        }
    }
}
