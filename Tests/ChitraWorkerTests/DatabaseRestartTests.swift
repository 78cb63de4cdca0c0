import ChitraStore
import ChitraTesting
import ChitraWorker
import Foundation
import Testing

/// A database restart under a running worker, on a cluster of its own (the shared one serves
/// the other suites).
@Suite("Database restart", .machine(limit: .minutes(3)))
struct DatabaseRestartTests {
    @Test("after PostgreSQL restarts, the worker reconnects, listens again and runs new jobs without waiting for a poll")
    func listenerReconnects() async throws {
        try await QuietMachine.shared.sharing {
            let cluster = try await LocalCluster.start()
            defer { Task { await cluster.stop() } }
            try await AdminStatement.createDatabase("chitra", on: cluster.url(), logger: TestPostgres.logger)
            try await Database.withRunning(cluster.url(database: "chitra"), logger: TestPostgres.logger) { database in
                try await Migrator(database: database).migrate()
                let queue = JobQueue(database: database)
                try await WorkerHarness.withWorker(database: database, handlers: DiagnosticHandlers.standard,
                                                   configure: { $0.pollInterval = .seconds(120) }) { _ in
                    let before = try await queue.enqueue(NewJob(kind: "noop", districtCode: "954")).id
                    try await eventually(timeout: .seconds(20), "first job done") { try await queue.show(id: before).state == .completed }

                    try await cluster.restart()

                    // The pool reconnects on demand; the listener within its backoff.
                    let after = try await queue.enqueue(NewJob(kind: "noop", districtCode: "954")).id
                    try await eventually(timeout: .seconds(30), "job after the restart done (polling alone would take 120 s)") {
                        try await queue.show(id: after).state == .completed
                    }
                }
            }
        }
    }
}
