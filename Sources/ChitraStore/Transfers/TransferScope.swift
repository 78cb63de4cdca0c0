import ChitraCore
import Foundation
import PostgresNIO

/// Which disbursements of a run a batching takes: what the rails' driver sends by itself (approved
/// ones, and failed ones whose automatic retry is due), or what finance re-runs (failed ones only,
/// narrowed by batch and reason).
public struct TransferScope: Sendable, Hashable {
    public enum Selection: Sendable, Hashable {
        case due
        case failed(batchMessageID: String?, reason: String?)
    }

    public var runID: Int64
    public var district: String
    public var rail: Rail
    public var selection: Selection
    /// The time a retry is due by (`.due`): nil for the database's clock (`DatabaseTime`).
    public var now: Date?

    public init(runID: Int64, district: String, rail: Rail, selection: Selection, now: Date? = nil) {
        self.runID = runID
        self.district = district
        self.rail = rail
        self.selection = selection
        self.now = now
    }

    func appendWhere(to query: inout PostgresQuery) {
        let run = query.binds.count + 1
        query.sql += " \(TransferSQL.transfers(ofRun: "$\(run)")) AND d.rail = $\(query.binds.count + 2) AND "
        query.binds.append(runID)
        query.binds.append(rail.rawValue)
        switch selection {
        case .due:
            query.sql += TransferSQL.due(now: query.binds.count + 1, run: run)
            query.binds.append(now)
        case .failed(let batch, let reason):
            query.sql += "d.state = 'failed'"
            if let batch {
                query.sql += " AND d.batch_id = (SELECT id FROM transfer_batches WHERE message_id = $\(query.binds.count + 1))"
                query.binds.append(batch)
            }
            if let reason {
                query.sql += " AND d.failure_reason = $\(query.binds.count + 1)"
                query.binds.append(reason)
            }
        }
    }
}
