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

    @Test("a job missed by two beats in a row is lost, said once and no longer renewed; one missed once, or finished meanwhile, is not")
    func lostLeases() {
        let ledger = WorkerLedger()
        ledger.claimed([Self.job(1), Self.job(2), Self.job(3)])
        #expect(ledger.renewals(asked: [1, 2, 3], renewed: [1]) == [], "missed once: perhaps just completed")
        _ = ledger.finished(3, outcome: nil)
        #expect(ledger.renewals(asked: [1, 2, 3], renewed: [1]) == [2], "2 missed twice: lost; 3 finished meanwhile")
        #expect(ledger.leases(timeout: .seconds(60)).renew.sorted() == [1], "a lost lease is not asked for again")
        #expect(ledger.renewals(asked: [1, 2], renewed: [1]) == [], "said once")
        _ = ledger.finished(2, outcome: nil)
        #expect(ledger.unreportedIDs().sorted() == [1])
    }
}
