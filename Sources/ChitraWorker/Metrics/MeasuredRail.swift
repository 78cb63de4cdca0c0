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
        let clock = ContinuousClock()
        let start = clock.now
        let results = await base.send(batch)
        record("send", since: start, clock: clock)
        count(results.values)
        return results
    }

    public func inquire(endToEndID: String, institution: String) async throws(RailFailure) -> InquiryResult {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let result = try await base.inquire(endToEndID: endToEndID, institution: institution)
            record("inquire", since: start, clock: clock)
            return result
        } catch {
            record("inquire", since: start, clock: clock, failed: true)
            throw error
        }
    }

    public func inquire(batch: TransferBatch) async throws(RailFailure) -> [String: TransferResult]? {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let results = try await base.inquire(batch: batch)
            record("inquire_batch", since: start, clock: clock)
            if let results { count(results.values) }
            return results
        } catch {
            record("inquire_batch", since: start, clock: clock, failed: true)
            throw error
        }
    }

    private func record(_ operation: String, since start: ContinuousClock.Instant, clock: ContinuousClock, failed: Bool = false) {
        let dimensions = [("rail", rail.rawValue), ("operation", operation)]
        Counter(label: "chitra_rail_requests_total", dimensions: dimensions + [("answered", failed ? "no" : "yes")]).increment()
        Timer(label: "chitra_rail_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds).record(duration: clock.now - start)
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
