import ChitraCore
import Testing

/// Many generated histories, checked against the rule itself.
@Suite("Entitlement properties")
struct EntitlementPropertyTests {
    static let policy = try! PolicyTable.bundled()
    let calculator = EntitlementCalculator(policy: Self.policy)

    struct Register {
        var facts: BeneficiaryFacts
        var versions: [RegisterVersion]
    }

    /// An in-memory ledger of runs, as the store keeps it.
    struct Ledger {
        var paid: [Period: Money] = [:]
        var funeralPaid = false
        var pending = Money.zero
        var disbursed = Money.zero
        var lines = Money.zero

        var history: PaymentHistory { PaymentHistory(paid: paid, funeralPaid: funeralPaid, pendingRecovery: pending) }

        mutating func record(_ result: Entitlement) {
            for line in result.lines {
                if line.kind == .funeral { funeralPaid = true } else { paid[line.month, default: .zero] += line.amount }
                lines += line.amount
            }
            disbursed += result.disbursement
            pending = result.pendingRecovery
        }
    }

    static func randomRegister(_ g: inout SeededGenerator) -> Register {
        let program: Program = Bool.random(using: &g) ? .ncc : .btxh
        let codes = policy.categories.values.filter { $0.program == program }.map(\.code).sorted()
        let start = Period("2023-07")!
        let eligibleFrom = start.advanced(by: Int.random(in: 0..<24, using: &g))
        var facts = BeneficiaryFacts(eligibleFrom: eligibleFrom)
        if Int.random(in: 0..<4, using: &g) == 0 { facts.eligibleUntil = eligibleFrom.advanced(by: Int.random(in: 0..<18, using: &g)) }
        if Int.random(in: 0..<4, using: &g) == 0 {
            let month = eligibleFrom.advanced(by: Int.random(in: 0..<18, using: &g))
            facts.deceasedOn = Day("\(month)-\(Int.random(in: 10...28, using: &g))")
        }
        if Int.random(in: 0..<4, using: &g) == 0 { facts.paidThrough = eligibleFrom.advanced(by: Int.random(in: 0..<6, using: &g)) }
        var versions = [RegisterVersion(sequence: 0, validFrom: eligibleFrom, program: program, category: codes.randomElement(using: &g)!)]
        for _ in 0..<Int.random(in: 0...2, using: &g) {
            versions.append(.init(sequence: versions.count, validFrom: eligibleFrom.advanced(by: Int.random(in: 1..<20, using: &g)), program: program,
                                  category: codes.randomElement(using: &g)!))
        }
        return Register(facts: facts, versions: versions)
    }

    /// owed(m) straight from the definition.
    static func owed(_ register: Register, _ month: Period) -> Money {
        guard register.facts.isEligible(in: month) else { return .zero }
        // Independently of the calculator: the last-imported version valid by then.
        let applicable = register.versions.filter { $0.validFrom <= month }
        let version = applicable.last ?? register.versions.min { $0.validFrom < $1.validFrom }!
        return try! policy.monthlyAmount(program: version.program, category: version.category, period: month)
    }

    @Test("computing a run twice yields identical lines")
    func deterministic() throws {
        var g = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let register = Self.randomRegister(&g)
            let period = register.facts.eligibleFrom.advanced(by: Int.random(in: 0..<30, using: &g))
            let first = try calculator.compute(period: period, facts: register.facts, versions: register.versions, history: .init())
            let second = try calculator.compute(period: period, facts: register.facts, versions: register.versions.reversed(), history: .init())
            #expect(first == second)
        }
    }

    @Test("over any sequence of runs, in any order, with the register corrected between them, the money adds up")
    func conservation() throws {
        var g = SeededGenerator(seed: 2026)
        for _ in 0..<500 {
            var register = Self.randomRegister(&g)
            let periods = (0..<30).map { register.facts.eligibleFrom.advanced(by: $0 - 3) }
            let runs = Array(periods.shuffled(using: &g).prefix(Int.random(in: 1...10, using: &g)))
            var ledger = Ledger()
            for (index, period) in runs.enumerated() {
                if index == runs.count / 2 { register = Self.corrected(register, &g) }
                ledger.record(try calculator.compute(period: period, facts: register.facts, versions: register.versions,
                                                     history: ledger.history))
            }
            // A final run settles everything up to it with the final register.
            let last = runs.max()!.next
            ledger.record(try calculator.compute(period: last, facts: register.facts, versions: register.versions, history: ledger.history))

            var expected = Money.zero
            var month = register.facts.eligibleFrom
            while month <= last {
                if register.facts.paidThrough.map({ month > $0 }) ?? true { expected += Self.owed(register, month) }
                month = month.next
            }
            if let death = register.facts.deceasedOn?.period, death <= last {
                let program = register.versions[0].program
                expected += try Self.policy.funeralAllowance(program, for: death)
            }
            #expect(ledger.lines == expected, "Σ lines = Σ owed + funeral")
            // Recoveries are negative lines; what they could not take yet is still pending, so
            // Σ disbursed = Σ owed + funeral − recovered, where recovered = −Σ recoveries − pending.
            #expect(ledger.disbursed == expected + ledger.pending, "Σ disbursed = Σ owed + funeral − what was recovered")
            #expect(!ledger.pending.isNegative && !ledger.disbursed.isNegative)
        }
    }

    /// A late correction: a death reported, or a category corrected from a past month.
    static func corrected(_ register: Register, _ g: inout SeededGenerator) -> Register {
        var register = register
        if Bool.random(using: &g), register.facts.deceasedOn == nil {
            let month = register.facts.eligibleFrom.advanced(by: Int.random(in: 0..<10, using: &g))
            register.facts.deceasedOn = Day("\(month)-15")
        } else {
            let codes = policy.categories.values.filter { $0.program == register.versions[0].program }.map(\.code).sorted()
            register.versions.append(.init(sequence: register.versions.count, validFrom: register.facts.eligibleFrom.advanced(by: Int.random(in: 0..<10, using: &g)),
                                           program: register.versions[0].program, category: codes.randomElement(using: &g)!))
        }
        return register
    }
}
