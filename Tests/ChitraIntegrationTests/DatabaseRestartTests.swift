import ChitraLocal
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
        let cluster = try await LocalCluster.start()
        do {
            try await Self.restartUnderWorker(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    static func restartUnderWorker(_ cluster: LocalCluster) async throws {
        try await AdminStatement.createDatabase("chitra", on: cluster.ownerURL(), logger: TestPostgres.logger)
        try await Database.withRunning(cluster.ownerURL(database: "chitra"), scope: .owner, logger: TestPostgres.logger) {
            try await TestPostgres.migrate($0)
        }
        try await TestPostgres.withRunning(cluster.url(.worker, database: "chitra")) { database in
            let queue = JobQueue(database: database)
            try await WorkerHarness.withWorker(database: database, handlers: DiagnosticHandlers.standard,
                                               configure: { $0.pollInterval = .seconds(600) }) { _ in
                let before = try await queue.enqueue(NewJob(kind: "noop", districtCode: "954")).id
                try await eventually("first job done", saw: { "\(try await queue.show(id: before))" }) {
                    try await queue.show(id: before).state == .completed
                }

                try await cluster.restart()

                // The pool reconnects on demand; the listener within its backoff.
                let after = try await queue.enqueue(NewJob(kind: "noop", districtCode: "954")).id
                try await eventually("job after the restart done (polling alone would take 600 s)",
                                     saw: { "\(try await queue.show(id: after))" }) {
                    try await queue.show(id: after).state == .completed
                }
            }
        }
    }
}
