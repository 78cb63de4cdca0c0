import ArgumentParser
import ChitraCore
import Foundation

/// `chitra generate`: a synthetic register file for demos and benchmarks.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a synthetic register file for one district.")

    @Option(help: "The district (3 digits).") var district: String
    @Option(help: "Beneficiaries.") var beneficiaries: Int = 10_000
    @Option(help: "Index of the first beneficiary (to make a file of newcomers).") var first: Int = 1
    @Option(help: "Seed of the generator.") var seed: UInt64 = 95
    @Option(help: "The file to write.") var out: String

    func run() async throws {
        let written = try SyntheticRegisterFile.write(district: district, range: first..<(first + beneficiaries),
                                             generator: SyntheticRegister(policy: try PolicyTable.bundled(), seed: seed), to: out)
        print("Wrote \(beneficiaries) beneficiaries of district \(district) to \(out) (\(written / 1_000_000) MB).")
    }
}

enum SyntheticRegisterFile {
    /// Streams rows `range` of `district` to `path`; returns the bytes written.
    static func write(district: String, range: Range<Int>, generator: SyntheticRegister, to path: String) throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("Cannot write \(path).")
        }
        defer { try? handle.close() }
        var text = SyntheticRegister.header + "\n"
        var bytes = 0
        for index in range {
            text += generator.line(district: district, index: index)
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
