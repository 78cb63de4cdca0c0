import ChitraCore
import ChitraRails
import Foundation

/// `chitra bench statements`: one camt.053 of N entries (a debit a transfer, as the simulator
/// writes them) read by the plain-XML scanner and by Foundation's `XMLParser`, alternately, each
/// several times in this process: time an entry, and that both read the same statement.
struct StatementReadBenchmark {
    var entries: Int
    var runs: Int

    struct Result: Codable {
        var entries: Int
        var bytes: Int
        var runs: Int
        /// Seconds per read, each run.
        var scanner: [Double]
        var xmlParser: [Double]
        var machine = MachineState.current
        var date = ISO8601DateFormatter().string(from: Date())

        static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

        var text: String {
            func line(_ name: String, _ seconds: [Double]) -> String {
                let perEntry = Self.median(seconds) / Double(entries) * 1e6
                return "  \(name): median \(String(format: "%.3f", Self.median(seconds))) s (min \(String(format: "%.3f", seconds.min() ?? 0)), max "
                    + "\(String(format: "%.3f", seconds.max() ?? 0))) = \(String(format: "%.2f", perEntry)) µs an entry"
            }
            return """
                Statement read benchmark, \(date), \(machine)
                one camt.053.001.08 of \(entries) entries (\(bytes / 1_000_000) MB), read \(runs) times by each, alternately, in one process:
                \(line("plain-XML scanner", scanner))
                \(line("Foundation XMLParser", xmlParser))
                  ratio (XMLParser / scanner, medians): \(String(format: "%.1f", Self.median(xmlParser) / max(Self.median(scanner), 1e-9)))
                """
        }
    }

    struct Differ: Error, CustomStringConvertible {
        var description = "the scanner and XMLParser read the statement differently"
    }

    func run() throws -> Result {
        let day = VietnamTime.today()
        let statement = BankStatement(messageID: "STMT-BENCH", statementID: "1000031825-\(day)", sequenceNumber: 1, createdAt: "\(day)T23:59:59",
                                      account: "100003182501", institution: "970405", day: day, openingVND: 100_000_000_000,
                                      entries: (1...entries).map { n in
                                          .init(servicerReference: "970405-\(n)", amountVND: 500_000 + Int64(n % 997) * 1_000, direction: .debit,
                                                bookingDay: day, code: .transferSent, endToEndID: "CT31825202606N\(n)")
                                      })
        let bytes = Array(Camt053Writer.document(statement).utf8)
        let clock = ContinuousClock()
        var result = Result(entries: entries, bytes: bytes.count, runs: runs, scanner: [], xmlParser: [])
        for _ in 0..<runs {
            var read: [BankStatement] = []
            result.scanner.append((try clock.measure { read = try Camt053Reader.read(bytes: bytes) }).seconds)
            guard read == [statement] else { throw Differ() }
            result.xmlParser.append((try clock.measure { read = try Camt053Reader.readByXMLParser(bytes: bytes) }).seconds)
            guard read == [statement] else { throw Differ() }
        }
        return result
    }
}
