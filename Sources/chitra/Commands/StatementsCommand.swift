import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore
import Foundation

/// `chitra statements import|breaks|close-break`: the paying accounts' bank statements taken in and
/// reconciled, and the breaks finance works.
struct StatementsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statements", abstract: "The paying accounts' bank statements: take them in, and work the breaks they raise.",
        subcommands: [Import.self, Fetch.self, List.self, Report.self, Breaks.self, Recall.self, CloseBreak.self])

    /// `chitra statements import FILE`.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take in a bank's statements of a paying account (camt.053 or MT940): debits settle transfers, returns bring them back owed, the rest are breaks; the same file again changes nothing.")

        @OptionGroup var server: ServerOptions
        @Argument(help: "The statement file.") var file: String

        func run() async throws {
            let taken = try await ClientFailure.exiting {
                try await server.client().upload("/statements", label: "statement file", query: [("file", file)], file: file,
                                                 as: StatementRoutes.Taken.self)
            }
            print(taken.message)
        }
    }

    /// `chitra statements fetch --unit CODE --date YYYY-MM-DD [--daily] [--wait]`.
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Have a worker fetch a unit's statement of an ended day from the bank's gateway and take it in; --daily: each next day's too, once it has ended; --intraday: today's entries so far (camt.054), every few minutes while the day lasts.")

        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit (a district, 3 digits, or a commune, 5).") var unit: String
        @Option(help: "The banking day (YYYY-MM-DD); yesterday if not given.") var date: String?
        @Flag(help: "Then each following day's, once it has ended.") var daily = false
        @Flag(help: "Today's entries so far (camt.054 notifications), asked again while the day lasts; settles transfers the hour they are debited.")
        var intraday = false
        @Option(name: .customLong("every"), help: "With --intraday: minutes between two asks (1 to 240).") var everyMinutes = 15
        @Flag(help: "Wait until the worker has taken it in, and show it.") var wait = false

        func validate() throws {
            if intraday && (daily || wait) { throw ValidationError("--intraday asks for today's notifications until the day ends: give it without --daily and --wait.") }
            if !(1...240).contains(everyMinutes) { throw ValidationError("--every is 1 to 240 minutes.") }
        }

        func run() async throws {
            let day = date ?? Day(daysSince2000: VietnamTime.today().daysSince2000 - (intraday ? 0 : 1)).description
            guard Day(day) != nil else { throw ValidationError("--date must be written YYYY-MM-DD.") }
            let client = try server.client()
            var body: [String: AuditValue] = ["unit": .text(unit), "date": .text(day), "daily": .flag(daily)]
            if intraday {
                body["intraday"] = .flag(true)
                body["every_minutes"] = .number(Int64(everyMinutes))
            }
            let asked = try await ClientFailure.exiting {
                try await client.post("/statements/fetch", json: body, as: StatementRoutes.FetchAsked.self)
            }
            print(asked.message)
            guard wait else { return }
            while true {
                let job = try await ClientFailure.exiting { try await client.get("/jobs/\(asked.job)", as: JobRecord.self) }
                switch job.state {
                case .completed:
                    let taken = try await ClientFailure.exiting {
                        try await client.get("/statements", query: [("unit", unit), ("date", day)], as: [StatementRecords.Record].self)
                    }
                    return print(taken.map(List.line).joined(separator: "\n"))
                case .discarded, .cancelled:
                    FileHandle.standardError.write(Data("Error: the statement was not taken in: job \(job.id) is \(job.state.rawValue): \(job.lastError ?? "no reason given").\n".utf8))
                    throw ExitCode(1)
                default:
                    if let error = job.lastError { print("waiting: \(error)") }
                    try await Task.sleep(for: .seconds(2))
                }
            }
        }
    }

    /// `chitra statements list [--unit CODE] [--date YYYY-MM-DD]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The statements taken in, newest first: balances and what their entries did.")

        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "Only this payout unit.") var unit: String?
        @Option(help: "Only this day (YYYY-MM-DD).") var date: String?
        @Flag(help: "Print JSON.") var json = false

        static func line(_ record: StatementRecords.Record) -> String {
            let head = if let sequence = record.sequence, let opening = record.openingVND, let closing = record.closingVND {
                "\(record.unit) \(record.account) no. \(sequence) of \(record.day): \(Money(dong: opening)) → \(Money(dong: closing)), "
            } else {
                "\(record.unit) \(record.account) notification of \(record.day) (camt.054): "
            }
            return head + "\(record.entries) entries (" + record.outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ")"
        }

        func run() async throws {
            if let date, Day(date) == nil { throw ValidationError("--date must be written YYYY-MM-DD.") }
            let records = try await ClientFailure.exiting {
                try await server.client().get("/statements", query: [("unit", unit), ("date", date)], as: [StatementRecords.Record].self)
            }
            if json { return print(try jsonText(records)) }
            guard !records.isEmpty else { return print("No statements taken in.") }
            print(records.map(Self.line).joined(separator: "\n"))
        }
    }

    /// `chitra statements report --unit CODE --period YYYY-MM`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A unit's month against its paying account's statements: paid by bank per Chitra, debited, returned after acceptance, duplicates recovered, breaks, the last balance.")

        @OptionGroup var server: ServerOptions
        @OptionGroup var target: RunTargetOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let (unit, period) = (target.district, try target.month())
            let month = try await ClientFailure.exiting {
                try await server.client().get("/runs/\(unit)/\(period)/reconciliation", as: MonthReconciliation.self)
            }
            if json { return print(try jsonText(month)) }
            print(MonthReconciliationText.lines(month).joined(separator: "\n"))
        }
    }

    /// `chitra statements recall ID`.
    struct Recall: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask the bank again to give back a second debit whose recall it refused.")

        @OptionGroup var server: ServerOptions
        @Argument(help: "The break's id (`chitra statements breaks`).") var id: Int64

        func run() async throws {
            guard id > 0 else { throw ValidationError("A break's id is a positive number.") }
            let asked = try await ClientFailure.exiting {
                try await server.client().post("/statements/breaks/\(id)/recall", json: [String: String](), as: StatementBreaks.Break.self)
            }
            print("Break \(asked.id) (\(asked.endToEndID ?? asked.account)) is \(asked.state.rawValue): the bank is asked to give the second debit back.")
        }
    }

    /// `chitra statements breaks [--unit CODE] [--all]`.
    struct Breaks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The breaks the statements raised, open first.")

        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "Only this payout unit (a district, 3 digits, or a commune, 5).") var unit: String?
        @Flag(help: "Closed breaks too.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let breaks = try await ClientFailure.exiting {
                try await server.client().get("/statements/breaks", query: [("unit", unit), ("all", all ? "true" : nil)], as: [StatementBreaks.Break].self)
            }
            if json { return print(try jsonText(breaks)) }
            guard !breaks.isEmpty else { return print(all ? "No breaks." : "No open breaks.") }
            var table = TextTable("ID", "UNIT", "ACCOUNT", "DAY", "KIND", "STATE", "END-TO-END ID", "EXPECTED", "ON THE STATEMENT", "WHAT", "HANDLED")
            for item in breaks {
                table.add("\(item.id)", item.unit, item.account, item.statementDay, item.kind.rawValue, item.state.rawValue, item.endToEndID ?? "-",
                          item.expectedVND.map { Money(dong: $0).description } ?? "-", item.actualVND.map { Money(dong: $0).description } ?? "-",
                          item.detail, item.handledBy.map { "\($0): \(item.note ?? "")" } ?? item.recall.map { "recall \($0)" } ?? "")
            }
            print(table.rendered)
        }
    }

    /// `chitra statements close-break ID --note TEXT`.
    struct CloseBreak: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close-break", abstract: "Close a break, saying what was done.")

        @OptionGroup var server: ServerOptions
        @Argument(help: "The break's id (`chitra statements breaks`).") var id: Int64
        @Option(help: "What was done (required).") var note: String

        func run() async throws {
            guard id > 0 else { throw ValidationError("A break's id is a positive number.") }
            let closed = try await ClientFailure.exiting {
                try await server.client().post("/statements/breaks/\(id)/close", json: ["note": note], as: StatementBreaks.Break.self)
            }
            print("Closed break \(closed.id) (\(closed.kind.rawValue), \(closed.endToEndID ?? closed.account)): \(closed.note ?? "").")
        }
    }
}
