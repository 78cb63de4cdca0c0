@testable import ChitraAPI
import ChitraCore
import Testing

/// A run's stages as the run page shows them: never done at the calculation.
@Suite("Run stages")
struct RunStagesTests {
    func statuses(_ stages: [RunStages.Stage]) -> [String] { stages.map { "\($0.key):\($0.status.rawValue)" } }

    @Test("computing: the calculation under way with its count; approval and completion to come")
    func computing() {
        let stages = RunStages.of(.computing, membersDone: 120, members: 714, byState: [:])
        #expect(statuses(stages) == ["calculated:current", "approved:waiting", "completed:waiting"])
        #expect(stages[0].done == 120 && stages[0].total == 714)
    }

    @Test("computed: waiting for approval, nothing shown paid")
    func computed() {
        #expect(statuses(RunStages.of(.computed, membersDone: 714, members: 714, byState: ["computed": 714]))
                == ["calculated:done", "approved:current", "completed:waiting"])
    }

    @Test("approved with transfers on their way and cash unconfirmed: each counted; fallen-back transfers count as cash")
    func paying() {
        let stages = RunStages.of(.approved, membersDone: 714, members: 714,
                                  byState: ["paid": 285, "submitted": 380, "failed": 3, "cash_instructed": 40, "paid_cash": 5, "returned": 1])
        #expect(statuses(stages) == ["calculated:done", "approved:done", "transfers:current", "cash:current", "completed:waiting"])
        #expect(stages[2].done == 285 && stages[2].total == 668)
        #expect(stages[3].done == 6 && stages[3].total == 46)
    }

    @Test("completed: every stage done; a month without cash has no cash stage, one paid by wallet alone no statements stage")
    func completed() {
        #expect(statuses(RunStages.of(.completed, membersDone: 10, members: 10, byState: ["paid": 10]))
                == ["calculated:done", "approved:done", "transfers:done", "completed:done"])
        #expect(statuses(RunStages.of(.completed, membersDone: 10, members: 10, byState: ["settled": 9, "returned": 1]))
                == ["calculated:done", "approved:done", "transfers:done", "cash:done", "statements:done", "completed:done"])
    }

    @Test("paid out: every transfer paid, the bank's statements still to close the month")
    func paidOut() {
        let stages = RunStages.of(.paidOut, membersDone: 10, members: 10, byState: ["paid": 4, "settled": 5, "paid_cash": 1])
        #expect(statuses(stages) == ["calculated:done", "approved:done", "transfers:done", "cash:done", "statements:current", "completed:waiting"])
        #expect(stages[2].done == 9 && stages[2].total == 9)
    }

    @Test("a failed or cancelled run shows where it stopped")
    func stopped() {
        #expect(statuses(RunStages.of(.failed, membersDone: 3, members: 10, byState: [:])) == ["calculated:stopped", "approved:stopped", "completed:stopped"])
    }
}
