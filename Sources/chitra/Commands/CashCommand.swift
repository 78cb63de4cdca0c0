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
            let output = try PrivateFile.create(out)
            let (count, total) = try await connection.withCaller(.cashList, districts: [district]) { database, _ in
                try await CashList.write(district: district, period: period, commune: commune, database: database, to: output)
            }
            try output.close()
            print("Wrote \(count) cash payments of district \(district) for \(period), \(total), to \(out).")
        }
    }

    /// `chitra cash confirm FILE`.
    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the post office's confirmations (CSV: end_to_end_id, beneficiary_id, amount_vnd, status, paid_on, received_by), all or nothing.")

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The confirmation file.") var file: String

        func run() async throws {
            let path = file
            let outcome = try await connection.withCaller(.confirmCash) { database, caller in
                try await CashConfirmation.confirm(path: path, by: caller, database: database)
            }
            print(outcome.description)
        }
    }

    /// `chitra cash close --district CODE --period YYYY-MM`.
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After the post office's deadline: cash still unconfirmed is returned (owed again next month).")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: RunTargetOptions

        func run() async throws {
            let (district, period) = (target.district, try target.month())
            let outcome = try await connection.withCaller(.closeCash, districts: [district]) { database, caller in
                try await CashClosing.close(district: district, period: period, by: caller, database: database)
            }
            print(outcome.description)
        }
    }

    /// `chitra cash fallback --district CODE --period YYYY-MM [--reason CODE] [--batch MSGID] [--rail R] [--yes]`.
    struct Fallback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send failed transfers to the post office's cash list instead of the bank or wallet.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var finance: FinanceScopeOptions

        func run() async throws {
            try await finance.perform(connection, .cashFallback, doing: "Will pay in cash") { scope, caller, shown, database in
                let outcome = try await FinanceRerun.fallBack(scope, by: caller, expecting: shown, database: database)
                return "Put \(outcome.moved) payment\(outcome.moved == 1 ? "" : "s") on the post office's list (chitra cash list). "
                    + "Recorded as decided by \(caller.name)."
            }
        }
    }
}
