import ArgumentParser
import ChitraAPI
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

        @OptionGroup var server: ServerOptions
        @OptionGroup var target: RunTargetOptions
        @Option(help: "Only this commune (5 digits).") var commune: String?
        @Option(help: "The file to write (readable by its owner only: it holds names).") var out: String

        func run() async throws {
            let (district, period, commune) = (target.district, try target.month(), self.commune)
            let headers = try await ClientFailure.exiting {
                try await server.client().download("/runs/\(district)/\(period)/cash-list", query: [("commune", commune)], to: out)
            }
            let count = headers.first(name: FileResponse.countHeader) ?? "?"
            let total = Money(dong: headers.first(name: CashRoutes.totalHeader).flatMap { Int64($0) } ?? 0)
            print("Wrote \(count) cash payments of district \(district) for \(period), \(total), to \(out).")
        }
    }

    /// `chitra cash confirm FILE`.
    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the post office's confirmations (CSV: end_to_end_id, beneficiary_id, amount_vnd, status, paid_on, received_by), all or nothing.")

        @OptionGroup var server: ServerOptions
        @Argument(help: "The confirmation file.") var file: String

        func run() async throws {
            let outcome = try await ClientFailure.exiting {
                try await server.client().upload("/cash/confirmations", label: "confirmation file", file: file, as: CashRoutes.Confirmed.self)
            }
            print(outcome.message)
        }
    }

    /// `chitra cash close --district CODE --period YYYY-MM`.
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After the post office's deadline: cash still unconfirmed is returned (owed again next month).")

        @OptionGroup var server: ServerOptions
        @OptionGroup var target: RunTargetOptions

        func run() async throws {
            let (district, period) = (target.district, try target.month())
            let outcome = try await ClientFailure.exiting {
                try await server.client().post("/runs/\(district)/\(period)/cash/close", json: [String: String](), as: CashRoutes.Closed.self)
            }
            print(outcome.message)
        }
    }

    /// `chitra cash fallback --district CODE --period YYYY-MM [--reason CODE] [--batch MSGID] [--rail R] [--yes]`.
    struct Fallback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send failed transfers to the post office's cash list instead of the bank or wallet.")

        @OptionGroup var server: ServerOptions
        @OptionGroup var finance: FinanceScopeOptions

        func run() async throws {
            try await finance.perform(server, "cash/fallback", doing: "Will pay in cash", answer: CashRoutes.FellBack.self) { outcome in
                "Put \(outcome.moved) payment\(outcome.moved == 1 ? "" : "s") on the post office's list (chitra cash list). "
                    + "Recorded as decided by \(outcome.by)."
            }
        }
    }
}
