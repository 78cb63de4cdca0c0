import AsyncHTTPClient
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import NIOCore
import Testing

/// Metrics and logs: the counters move as a run does, a worker serves them, and a
/// whole run's JSON logs carry each job's keys and no one's personal data.
@Suite("Metrics and logs", .machine(limit: .minutes(4)))
struct ObservabilityTests {
    /// The value of one sample of Prometheus's text (`name{labels} value`), 0 when absent.
    static func value(_ text: String, _ sample: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1)) ?? 0
        }
        return 0
    }

    @Test("scraped during a run, the job counters, the queue and the disbursements by state move as the run does")
    func metricsMoveWithTheRun() async throws {
        ProcessMetrics.bootstrap()
        try await TestPostgres.withDatabase { database in
            var file = RegisterFileBuilder(district: "957")
            for index in 1...40 { file.add("M\(index)", [.eligibleFrom: "2024-09"]) }
            _ = try await RegisterImporter(database: database, policy: RunFixture.policy)
                .importFile(at: try file.write(), district: "957", by: .test("operator", role: .operator))
            let before = try await ProcessMetrics.apiText(database)
            _ = try await RunCoordinator(database: database).trigger(period: Period("2024-09")!, districts: ["957"],
                                                                     by: .test("operator", role: .operator), autoApprove: false)
            let waiting = try await ProcessMetrics.apiText(database)
            #expect(Self.value(waiting, #"chitra_queue_jobs{kind="plan",state="available"}"#) >= 1, "\(waiting)")
            #expect(Self.value(waiting, #"chitra_run_members_done{district="957"}"#) == 0)
            try await WorkerHarness.withWorker(database: database, handlers: RunHandlers.all(policy: RunFixture.policy, shardSize: 10)) { _ in
                try await eventually("computed") { try await RunStatus.list(period: nil, districts: ["957"], database: database).first?.state == .computed }
            }
            let after = try await ProcessMetrics.apiText(database)
            let compute = #"chitra_jobs_finished_total{kind="compute",outcome="completed"}"#
            #expect(Self.value(after, compute) - Self.value(before, compute) >= 4, "four shards of ten: \(after)")
            #expect(Self.value(after, #"chitra_jobs_claimed_total{kind="plan"}"#) > Self.value(before, #"chitra_jobs_claimed_total{kind="plan"}"#))
            #expect(Self.value(after, #"chitra_disbursements{state="computed"}"#) >= 40, "\(after)")
            #expect(Self.value(after, #"chitra_run_members_done{district="957"}"#) == 40)
            #expect(after.contains("chitra_job_duration_seconds_bucket"), "job durations are a histogram")
            #expect(!after.contains("M1\""), "no beneficiary in a label")
        }
    }

    /// The sum of a metric's samples whose labels include every one of `labels` (`key="value"`).
    static func sum(_ text: String, _ name: String, _ labels: [String]) -> Double {
        text.split(separator: "\n").filter { line in line.hasPrefix(name + "{") && labels.allSatisfy { line.contains($0) } }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test("a worker process serves /metrics on --metrics-port, its rail's requests and transfers counted; its JSON logs of a whole run, paid by bank, carry each job's keys and no CCCD, phone or account number")
    func workerMetricsAndLogs() async throws {
        try await TestPostgres.withNewDatabase { url in
            var file = RegisterFileBuilder(district: "958")
            var secrets: [String] = []
            for index in 1...30 {
                let cccd = "0951\(String(format: "%08d", 40_000_000 + index))", phone = "09\(String(format: "%08d", 70_000_000 + index))"
                let account = "88\(String(format: "%010d", 123_456_000 + index))"
                secrets += [cccd, phone, account]
                file.add("L\(index)", [.eligibleFrom: "2024-09", .cccd: cccd, .phone: phone, .paymentMethod: index % 2 == 0 ? "bank" : "cash",
                                       .bankCode: index % 2 == 0 ? "970436" : "", .accountNumber: index % 2 == 0 ? account : "",
                                       .accountName: index % 2 == 0 ? "NGUYEN VAN L\(index)" : ""])
            }
            let register = file
            let log = NSTemporaryDirectory() + "chitra-worker-json-\(UUID().uuidString.prefix(8)).log"
            defer { try? FileManager.default.removeItem(atPath: log) }
            try await TestPostgres.withRunning(url) { database in try await BankSimulatorProcess.with(["--faults", "none"]) { simulator in
                _ = try await RegisterImporter(database: database, policy: RunFixture.policy)
                    .importFile(at: try register.write(), district: "958", by: .test("operator", role: .operator))
                try await DistrictSettings.setPayingAccount(.init(name: "Phòng LĐTBXH 958", account: "100000958", bank: "970405"),
                                                            district: "958", by: .test("admin", role: .admin), database: database)
                let worker = try ChildProcess(executable: WorkerProcesses.executable,
                                              arguments: ["--log-format", "json", "--metrics-port", "0", "--poll-ms", "200",
                                                          "--bank-url", simulator.bankURL, "--inquiry-ms", "200"],
                                              environment: ["DATABASE_URL": url.connectionString, "CHITRA_LOG_LEVEL": "debug"]
                                                  .merging(TestPostgres.workerEnvironment) { $1 }, logPath: log)
                defer { worker.signal(SIGKILL) }
                // Its metrics address, from its own log line.
                @Sendable func served() -> String? {
                    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                    return text.split(separator: "\n").compactMap { line -> String? in
                        guard line.contains("metrics served") else { return nil }
                        return (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["url"] as? String
                    }.first
                }
                try await eventually("metrics served") { served() != nil }
                let metricsURL = served()
                _ = try await RunCoordinator(database: database).trigger(period: Period("2024-09")!, districts: ["958"],
                                                                         by: .test("operator", role: .operator), autoApprove: true)
                // Approved: cash is listed, and the bank (no faults) pays the fifteen transfers.
                try await eventually("cash listed and the bank transfers paid", saw: { "\(try await PayoutStatistics.read(database).byState)" }) {
                    let states = try await PayoutStatistics.read(database).byState
                    return states["cash_instructed"] == 15 && states["paid"] == 15
                }
                let (status, scraped) = try await Self.get(try #require(metricsURL))
                // One shard: the plan job computes it.
                #expect(status == 200 && Self.value(scraped, #"chitra_jobs_finished_total{kind="plan",outcome="completed"}"#) >= 1, "\(scraped)")
                #expect(scraped.contains(#"chitra_queue_jobs{kind="submit""#), "\(scraped)")
                #expect(Self.sum(scraped, "chitra_rail_requests_total", [#"rail="bank""#, #"operation="send""#, #"answered="yes""#]) >= 1, "\(scraped)")
                #expect(Self.sum(scraped, "chitra_rail_transfers_total", [#"rail="bank""#]) >= 15, "\(scraped)")
                #expect(scraped.contains("chitra_rail_request_duration_seconds_bucket"), "rail latency is a histogram")
                worker.signal(SIGTERM)
                await worker.waitForExit()
            } }
            let text = try String(contentsOfFile: log, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            var jobLines = 0
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
                #expect(object["level"] != nil && object["message"] != nil && object["time"] != nil)
                guard object["chitra.job_id"] != nil else { continue }
                jobLines += 1
                #expect(object["chitra.district"] as? String == "958" && object["chitra.kind"] != nil, "\(line)")
                #expect(object["chitra.period"] as? String == "2024-09", "\(line)")
            }
            #expect(jobLines > 0, "the run's jobs logged something at debug: \(text.prefix(3000))")
            for secret in secrets { #expect(!text.contains(secret), "\(secret) appears in the worker's log") }
        }
    }

    static func get(_ url: String) async throws -> (Int, String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), String(buffer: body))
    }
}
