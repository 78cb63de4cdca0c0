import ChitraCore
import ChitraRails
import Metrics

/// A rail that counts its requests, their latency and the outcomes of the transfers it reports,
/// by rail (bank, wallet) and operation (send, inquire_batch, inquire).
public struct MeasuredRail: TransferRail {
    let base: any TransferRail

    public init(_ base: any TransferRail) { self.base = base }

    public var rail: Rail { base.rail }

    public func send(_ batch: TransferBatch) async -> [String: TransferResult] {
        let results = await measured("send") { await base.send(batch) }
        count(results.values)
        return results
    }

    public func inquire(endToEndID: String, institution: String) async throws(RailFailure) -> InquiryResult {
        try await measured("inquire") { () async throws(RailFailure) in try await base.inquire(endToEndID: endToEndID, institution: institution) }
    }

    public func inquire(batch: TransferBatch) async throws(RailFailure) -> [String: TransferResult]? {
        let results = try await measured("inquire_batch") { () async throws(RailFailure) in try await base.inquire(batch: batch) }
        if let results { count(results.values) }
        return results
    }

    /// Runs one request, counting it (answered or not) and its latency.
    private func measured<T, Failure: Error>(_ operation: String, _ request: () async throws(Failure) -> T) async throws(Failure) -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let dimensions = [("rail", rail.rawValue), ("operation", operation)]
        var answered = false
        defer {
            Counter(label: "chitra_rail_requests_total", dimensions: dimensions + [("answered", answered ? "yes" : "no")]).increment()
            Timer(label: "chitra_rail_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
                .record(duration: clock.now - start)
        }
        let result = try await request()
        answered = true
        return result
    }

    private func count(_ results: some Sequence<TransferResult>) {
        var outcomes: [String: Int] = [:]
        for result in results {
            let outcome = switch result {
            case .accepted: "accepted"
            case .pending: "pending"
            case .paid: "paid"
            case .rejected: "rejected"
            case .unknown: "unknown"
            }
            outcomes[outcome, default: 0] += 1
        }
        for (outcome, count) in outcomes {
            Counter(label: "chitra_rail_transfers_total", dimensions: [("rail", rail.rawValue), ("outcome", outcome)]).increment(by: count)
        }
    }
}
