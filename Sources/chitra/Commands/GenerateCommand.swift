import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra generate`: a synthetic register file for demos and benchmarks.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a synthetic register file for one payout unit of the catalogue (a commune since 2025-07, a district before).")

    @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
    @Option(help: "Beneficiaries.") var beneficiaries: Int = 10_000
    @Option(help: "Index of the first beneficiary (to make a file of newcomers).") var first: Int = 1
    @Option(help: "Seed of the generator.") var seed: UInt64 = 95
    @Option(help: "The file to write.") var out: String

    func validate() throws {
        guard PayoutUnitCode.isValid(district) else {
            throw ValidationError("--unit takes a commune's code (5 digits, e.g. 31825) or a district's (3 digits, e.g. 954).")
        }
        guard beneficiaries >= 1 else { throw ValidationError("--beneficiaries must be at least 1.") }
    }

    func run() async throws {
        // The unit as the shipped catalogue has it: its province gives the people's CCCD prefix.
        let level: UnitLevel = district.count == 5 ? .commune : .district
        let catalogue = try UnitCatalogueFiles.bundled().catalogue
        guard let unit = catalogue.units.last(where: { $0.level == level && $0.code == district && (level == .district || $0.districtCode == nil) }) else {
            throw ValidationError("There is no payout unit \(district) in the catalogue: `chitra units list --level commune` lists the communes.")
        }
        let written = try SyntheticRegisterFile.write(district: district, range: first..<(first + beneficiaries),
                                                      generator: SyntheticRegister(policy: try PolicyTable.bundled(), seed: seed),
                                                      province: unit.provinceCode, to: out)
        print("Wrote \(beneficiaries) beneficiaries of \(unit.nameWithType) (\(PayoutUnitCode.named(district)), province \(unit.provinceCode)) "
              + "to \(out) (\(written / 1_000_000) MB).")
    }
}

enum SyntheticRegisterFile {
    /// Streams rows `range` of `district` to `path`; returns the bytes written.
    static func write(district: String, range: Range<Int>, generator: SyntheticRegister, province: String = BacLieu.provinceCode,
                      paidThrough: Period = Period(year: 2026, month: 5)!, communes: [String] = [], to path: String) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("Cannot write \(path).")
        }
        defer { try? handle.close() }
        var text = SyntheticRegister.header + "\n"
        var bytes = 0
        for index in range {
            text += generator.line(district: district, index: index, province: province, paidThrough: paidThrough, communes: communes)
            text += "\n"
            if text.utf8.count >= 1 << 20 {
                bytes += text.utf8.count
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        bytes += text.utf8.count
        try handle.write(contentsOf: Data(text.utf8))
        return bytes
    }
}
