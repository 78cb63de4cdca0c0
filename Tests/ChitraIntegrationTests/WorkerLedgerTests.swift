import ChitraCore
@testable import ChitraStore
@testable import ChitraWorker
import Testing

/// What a worker concludes from its heartbeats (`WorkerLedger.renewals`): a job a beat did not
/// renew may just have completed; two beats in a row, it was rescued and given to another worker.
@Suite("A worker's leases")
struct WorkerLedgerTests {
    static func job(_ id: Int64) -> ClaimedJob {
        ClaimedJob(id: id, kind: "transfer", districtCode: "31825", args: "{}", attempt: 1, maxAttempts: 5, lease: Credential("lease-\(id)"))
    }

    @Test("a job missed by a beat begun after another had missed it is lost, said once and no longer renewed; missed once, finished or reported meanwhile, it is not")
    func lostLeases() {
        let ledger = WorkerLedger()
        ledger.claimed([Self.job(1), Self.job(2), Self.job(3), Self.job(4)])
        let first = ledger.leases(timeout: .seconds(60)), second = ledger.leases(timeout: .seconds(60))
        #expect(ledger.renewals(asked: first.renew, renewed: [1], beat: first.beat) == [], "missed once: perhaps just completed")
        #expect(ledger.renewals(asked: second.renew, renewed: [1], beat: second.beat) == [], "a beat begun before the miss was seen proves nothing")
        _ = ledger.finished(3, outcome: nil)
        ledger.reported([JobOutcome(jobID: 4, attempt: 1, result: .completed)])
        let third = ledger.leases(timeout: .seconds(60))
        #expect(third.renew.sorted() == [1, 2])
        #expect(ledger.renewals(asked: [1, 2, 3, 4], renewed: [1], beat: third.beat) == [2], "2 missed again: lost; 3 finished and 4 reported meanwhile")
        #expect(ledger.leases(timeout: .seconds(60)).renew.sorted() == [1], "a lost lease is not asked for again")
        let fourth = ledger.leases(timeout: .seconds(60))
        #expect(ledger.renewals(asked: [1, 2], renewed: [1], beat: fourth.beat) == [], "said once")
        // Rescued, then claimed again by this worker: its own again, renewed.
        ledger.claimed([Self.job(2)])
        #expect(ledger.leases(timeout: .seconds(60)).renew.sorted() == [1, 2])
    }
}
