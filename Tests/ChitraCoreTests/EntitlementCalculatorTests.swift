import ChitraCore
import Testing

@Suite("Entitlement calculator")
struct EntitlementCalculatorTests {
    static let policy = try! PolicyTable.bundled()
    let calculator = EntitlementCalculator(policy: Self.policy)

    static func p(_ text: String) -> Period { Period(text)! }
    static func m(_ dong: Int64) -> Money { Money(dong: dong) }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var period: String
        var facts: BeneficiaryFacts
        var versions: [RegisterVersion]
        var history = PaymentHistory()
        var lines: [(String, LineKind, Int64)]
        var disbursement: Int64
        var pending: Int64 = 0
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "btxh month before the July 2024 base-level change", period: "2024-06",
             facts: .init(eligibleFrom: p("2024-06")), versions: [.init(sequence: 0, validFrom: p("2024-06"), program: .btxh, category: "cao_tuoi_80")],
             lines: [("2024-06", .regular, 360_000)], disbursement: 360_000),
        Case(name: "btxh month after the July 2024 change, June paid", period: "2024-07",
             facts: .init(eligibleFrom: p("2024-06")), versions: [.init(sequence: 0, validFrom: p("2024-06"), program: .btxh, category: "cao_tuoi_80")],
             history: .init(paid: [p("2024-06"): m(360_000)]),
             lines: [("2024-07", .regular, 500_000)], disbursement: 500_000),
        Case(name: "arrears spanning the change, each month at its own rate", period: "2024-08",
             facts: .init(eligibleFrom: p("2024-05")), versions: [.init(sequence: 0, validFrom: p("2024-05"), program: .btxh, category: "khuyet_tat_nang")],
             lines: [("2024-05", .arrear, 540_000), ("2024-06", .arrear, 540_000), ("2024-07", .arrear, 750_000), ("2024-08", .regular, 750_000)],
             disbursement: 2_580_000),
        Case(name: "a category change in the middle of the arrears", period: "2024-06",
             facts: .init(eligibleFrom: p("2024-03")),
             versions: [.init(sequence: 0, validFrom: p("2024-03"), program: .btxh, category: "cao_tuoi_80"),
                        .init(sequence: 1, validFrom: p("2024-05"), program: .btxh, category: "cao_tuoi_80_ngheo")],
             lines: [("2024-03", .arrear, 360_000), ("2024-04", .arrear, 360_000), ("2024-05", .arrear, 720_000), ("2024-06", .regular, 720_000)],
             disbursement: 1_440_000 + 720_000),
        Case(name: "death in the month of the run: that month is paid, and the funeral allowance", period: "2024-09",
             facts: .init(eligibleFrom: p("2024-08"), deceasedOn: Day("2024-09-15")),
             versions: [.init(sequence: 0, validFrom: p("2024-08"), program: .ncc, category: "than_nhan_1_liet_si")],
             history: .init(paid: [p("2024-08"): m(2_789_000)]),
             lines: [("2024-09", .regular, 2_789_000), ("2024-09", .funeral, 23_400_000)], disbursement: 26_189_000),
        Case(name: "a death reported late: months paid after it are recovered from the funeral allowance", period: "2024-11",
             facts: .init(eligibleFrom: p("2024-07"), deceasedOn: Day("2024-08-03")),
             versions: [.init(sequence: 0, validFrom: p("2024-07"), program: .btxh, category: "cao_tuoi_80")],
             history: .init(paid: [p("2024-07"): m(500_000), p("2024-08"): m(500_000), p("2024-09"): m(500_000), p("2024-10"): m(500_000)]),
             lines: [("2024-09", .recovery, -500_000), ("2024-10", .recovery, -500_000), ("2024-08", .funeral, 10_000_000)],
             disbursement: 9_000_000),
        Case(name: "a recovery larger than the month's payment: nothing paid, the rest carried", period: "2024-11",
             facts: .init(eligibleFrom: p("2024-07")),
             versions: [.init(sequence: 0, validFrom: p("2024-07"), program: .btxh, category: "cao_tuoi_80")],
             history: .init(paid: [p("2024-07"): m(1_000_000), p("2024-08"): m(1_000_000), p("2024-09"): m(1_000_000), p("2024-10"): m(1_000_000)]),
             lines: [("2024-07", .recovery, -500_000), ("2024-08", .recovery, -500_000), ("2024-09", .recovery, -500_000),
                     ("2024-10", .recovery, -500_000), ("2024-11", .regular, 500_000)],
             disbursement: 0, pending: 1_500_000),
        Case(name: "a pending recovery is netted in the next run", period: "2024-12",
             facts: .init(eligibleFrom: p("2024-07")),
             versions: [.init(sequence: 0, validFrom: p("2024-07"), program: .btxh, category: "cao_tuoi_80")],
             history: .init(paid: [p("2024-07"): m(500_000), p("2024-08"): m(500_000), p("2024-09"): m(500_000),
                                   p("2024-10"): m(500_000), p("2024-11"): m(500_000)], pendingRecovery: m(1_500_000)),
             lines: [("2024-12", .regular, 500_000)], disbursement: 0, pending: 1_000_000),
        Case(name: "ncc coefficient 0.8 rounds to the nearest 1,000 đồng", period: "2024-07",
             facts: .init(eligibleFrom: p("2024-06")),
             versions: [.init(sequence: 0, validFrom: p("2024-06"), program: .ncc, category: "tro_cap_nuoi_duong")],
             lines: [("2024-06", .arrear, 1_644_000), ("2024-07", .regular, 2_231_000)], disbursement: 3_875_000),
        Case(name: "legacy months up to paid_through are settled", period: "2024-08",
             facts: .init(eligibleFrom: p("2022-01"), paidThrough: p("2024-06")),
             versions: [.init(sequence: 0, validFrom: p("2022-01"), program: .btxh, category: "cao_tuoi_80")],
             lines: [("2024-07", .arrear, 500_000), ("2024-08", .regular, 500_000)], disbursement: 1_000_000),
        Case(name: "nothing after eligible_until", period: "2024-09",
             facts: .init(eligibleFrom: p("2024-07"), eligibleUntil: p("2024-07")),
             versions: [.init(sequence: 0, validFrom: p("2024-07"), program: .btxh, category: "cao_tuoi_80")],
             history: .init(paid: [p("2024-07"): m(500_000)]), lines: [], disbursement: 0),
    ]

    @Test("hand-computed cases", arguments: cases)
    func handComputed(_ example: Case) throws {
        let result = try calculator.compute(period: Self.p(example.period), facts: example.facts,
                                            versions: example.versions, history: example.history)
        let expected = example.lines.map { EntitlementLine(month: Self.p($0.0), kind: $0.1, amount: Self.m($0.2)) }
        #expect(result.lines == expected)
        #expect(result.disbursement == Self.m(example.disbursement))
        #expect(result.pendingRecovery == Self.m(example.pending))
    }

    @Test("a month with no base level in force is an error naming the program and the month")
    func noBaseLevel() {
        #expect(throws: PolicyError.noBaseLevel(program: .btxh, period: Self.p("2021-05"))) {
            try calculator.compute(period: Self.p("2021-08"), facts: .init(eligibleFrom: Self.p("2021-05")),
                                   versions: [.init(sequence: 0, validFrom: Self.p("2021-05"), program: .btxh, category: "cao_tuoi_80")],
                                   history: .init())
        }
        #expect(PolicyError.noBaseLevel(program: .btxh, period: Self.p("2021-05")).description
            == "No base level of program btxh is in force in 2021-05; add one to the policy table.")
    }

    @Test("rounding is exact and half up", arguments: [
        (1_624_000, 800, 1_299_000), (2_055_000, 800, 1_644_000), (2_789_000, 800, 2_231_000),
        (1_000_625, 800, 801_000), (1_000_624, 800, 800_000), (500_000, 1500, 750_000), (360_000, 2500, 900_000),
    ])
    func rounding(base: Int64, thousandths: Int64, expected: Int64) {
        #expect(Money.monthlyAmount(base: Money(dong: base), coefficientThousandths: thousandths) == Money(dong: expected))
    }
}
