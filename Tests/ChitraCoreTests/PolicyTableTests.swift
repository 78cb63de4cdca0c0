import Foundation
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

extension PolicyTableTests {
    @Test("a province's own tables load from a folder it names, a new decree row applying from its month")
    func provinceFolder() throws {
        let folder = NSTemporaryDirectory() + "chitra-policy-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "program,effective_from,base_level_vnd,source\nbtxh,2021-07,360000,a\nbtxh,2024-07,500000,b\nbtxh,2026-01,600000,new decree\nncc,2024-07,2789000,c\n"
            .write(toFile: folder + "/base-levels.csv", atomically: true, encoding: .utf8)
        try "program,category,coefficient\nbtxh,cao_tuoi_80,1.0\nncc,ba_me_vnah,3.0\n"
            .write(toFile: folder + "/categories.csv", atomically: true, encoding: .utf8)
        try "program,effective_from,funeral_allowance_vnd\nbtxh,2021-07,7200000\n"
            .write(toFile: folder + "/funeral.csv", atomically: true, encoding: .utf8)
        let policy = try PolicyTable.load(folder: folder)
        #expect(try policy.monthlyAmount(program: .btxh, category: "cao_tuoi_80", period: Period("2025-12")!) == Money(dong: 500_000))
        #expect(try policy.monthlyAmount(program: .btxh, category: "cao_tuoi_80", period: Period("2026-01")!) == Money(dong: 600_000))
        #expect(throws: PolicyError.badTable(file: folder + "/nope/base-levels.csv", line: 0, problem: "cannot be read")) {
            try PolicyTable.load(folder: folder + "/nope")
        }
    }
}
