import ChitraCore
import Foundation
import Testing

@Suite("Run period rule")
struct RunPeriodRuleTests {
    let rule = RunPeriodRule(earliest: Period("2019-07")!, current: Period("2026-12")!)

    @Test("months from the policy tables' first to the one after the current are allowed")
    func allowed() throws {
        for text in ["2019-07", "2024-01", "2026-12", "2027-01"] {
            try rule.check(Period(text)!, force: false)
            #expect(!rule.needsForce(Period(text)!))
        }
    }

    @Test("a month before the tables, or more than one month ahead, is refused with a sentence; --force lets it through")
    func refused() throws {
        #expect(throws: RunPeriodRule.Refusal.beforePolicy(Period("1900-01")!, earliest: Period("2019-07")!)) {
            try rule.check(Period("1900-01")!, force: false)
        }
        #expect(throws: RunPeriodRule.Refusal.tooFarAhead(Period("2099-12")!, current: Period("2026-12")!)) {
            try rule.check(Period("2099-12")!, force: false)
        }
        #expect(RunPeriodRule.Refusal.tooFarAhead(Period("2027-02")!, current: Period("2026-12")!).description
            == "2027-02 is more than one month after the current month (2026-12): a run would pay months that have not happened. Check the period; --force runs it anyway.")
        try rule.check(Period("2099-12")!, force: true)
        #expect(rule.needsForce(Period("2099-12")!) && rule.needsForce(Period("2019-06")!))
    }

    @Test("the bundled tables begin the rule; the current month is Vietnam's")
    func bundled() throws {
        // 2026-11-30 20:00 UTC is already 1 December in Hà Nội.
        let now = ISO8601DateFormatter().date(from: "2026-11-30T20:00:00Z")!
        let rule = RunPeriodRule(policy: try PolicyTable.bundled(), now: now)
        #expect(rule.current == Period("2026-12")!)
        let firsts = try PolicyTable.bundled().baseLevels.values.compactMap { $0.first?.from }
        #expect(rule.earliest == firsts.min())
    }
}
