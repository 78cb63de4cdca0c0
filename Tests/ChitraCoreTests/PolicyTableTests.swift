import ChitraCore
import Testing

@Suite("Policy table")
struct PolicyTableTests {
    @Test("the bundled tables load with every program and category of shared/policy")
    func bundled() throws {
        let policy = try PolicyTable.bundled()
        #expect(policy.categories.count == 22)
        #expect(try policy.baseLevel(.ncc, in: Period("2024-06")!) == Money(dong: 2_055_000))
        #expect(try policy.baseLevel(.ncc, in: Period("2024-07")!) == Money(dong: 2_789_000))
        #expect(try policy.funeralAllowance(.btxh, for: Period("2024-06")!) == Money(dong: 7_200_000))
        #expect(policy.category("tro_cap_nuoi_duong", program: .ncc)?.coefficientThousandths == 800)
        #expect(policy.category("tro_cap_nuoi_duong", program: .btxh) == nil)
    }

    @Test("a bad row names its file and line")
    func badRow() {
        #expect(throws: PolicyError.badTable(file: "base-levels.csv", line: 3, problem: "effective_from is not YYYY-MM")) {
            try PolicyTable.parse(baseLevels: "program,effective_from,base_level_vnd\nbtxh,2021-07,360000\nbtxh,July,500000\n",
                                  categories: "program,category,coefficient\n", funeral: "program,effective_from,funeral_allowance_vnd\n")
        }
    }

    @Test("periods parse strictly and do arithmetic")
    func periods() {
        #expect(Period("2024-13") == nil && Period("24-01") == nil && Period("2024-1") == nil)
        #expect(Period("2024-12")!.next == Period("2025-01"))
        #expect(Period("2024-01")!.distance(to: Period("2025-03")!) == 14)
        #expect(Day("2024-02-29") != nil && Day("2023-02-29") == nil && Day("2024-04-31") == nil)
        #expect(Money(dong: -1_234_567).description == "-1.234.567 ₫")
    }
}
