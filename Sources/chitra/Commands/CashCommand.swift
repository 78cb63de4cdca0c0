import ArgumentParser
import ChitraCore
import ChitraStore
import Foundation

/// `chitra cash list|confirm|close|fallback`: the post office's side of the payout.
struct CashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cash", abstract: "The post office's cash lists and confirmations.", subcommands: [List.self, Confirm.self, Close.self, Fallback.self])

    /// `chitra cash list --district CODE --period YYYY-MM [--commune CODE] --out FILE`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The post office's list of a district and month, per commune: CSV with a BOM for Excel, CCCDs masked.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: RunTargetOptions
        @Option(help: "Only this commune (5 digits).") var commune: String?
        @Option(help: "The file to write (readable by its owner only: it holds names).") var out: String

        func run() async throws {
            let (district, period, commune) = (target.district, try target.month(), self.commune)
            guard FileManager.default.createFile(atPath: out, contents: nil, attributes: [.posixPermissions: 0o600]),
                  let output = FileHandle(forWritingAtPath: out) else {
                throw ValidationError("Cannot write \(out).")
            }
            let (count, total) = try await connection.withDatabase(districts: [district]) {
                try await CashList.write(district: district, period: period, commune: commune, database: $0, to: output)
            }
            try output.close()
            print("Wrote \(count) cash payments of district \(district) for \(period), \(total), to \(out).")
        }
    }

    /// `chitra cash confirm FILE --by NAME`.
    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the post office's confirmations (CSV: end_to_end_id, beneficiary_id, amount_vnd, status, paid_on, received_by), all or nothing.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The confirmation file.") var file: String
        @Option(help: "Who records the file.") var by: String

        func run() async throws {
            let (path, person) = (file, by)
            let outcome = try await connection.withDatabase { try await CashConfirmation.confirm(path: path, by: person, database: $0) }
            print(outcome.description)
        }
    }

    /// `chitra cash close --district CODE --period YYYY-MM --by NAME`.
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After the post office's deadline: cash still unconfirmed is returned (owed again next month).")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: RunTargetOptions
        @Option(help: "Who closes the month's cash.") var by: String

        func run() async throws {
            let (district, period, person) = (target.district, try target.month(), by)
            let outcome = try await connection.withDatabase(districts: [district]) {
                try await CashClosing.close(district: district, period: period, by: person, database: $0)
            }
            print(outcome.description)
        }
    }

    /// `chitra cash fallback --district CODE --period YYYY-MM [--reason CODE] [--batch MSGID] [--rail R] --by NAME [--yes]`.
    struct Fallback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send failed transfers to the post office's cash list instead of the bank or wallet.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var finance: FinanceScopeOptions

        func run() async throws {
            try await finance.perform(connection, doing: "Will pay in cash") { scope, person, shown, database in
                let outcome = try await FinanceRerun.fallBack(scope, by: person, expecting: shown, database: database)
                return "Put \(outcome.moved) payment\(outcome.moved == 1 ? "" : "s") on the post office's list (chitra cash list). "
                    + "Recorded as decided by \(person)."
            }
        }
    }
}
