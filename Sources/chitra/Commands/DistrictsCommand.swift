import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore

/// `chitra districts [list]`, and an admin's `approval`, `account` and `fallback-day` of a unit.
struct DistrictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "districts", abstract: "List the payout units you reach (districts until 2025-06, communes from 2025-07) and change their settings.",
        subcommands: [List.self, Approval.self, Account.self, FallbackDay.self, DebitGrace.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The payout units, the months they pay, whether their runs need approval, and their last computed month.")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let districts = try await ClientFailure.exiting {
                try await server.client().get("/districts", as: [DistrictRoutes.Listed].self)
            }
            var table = TextTable("UNIT", "NAME", "PAYS", "APPROVAL", "COMPUTED THROUGH", "PAYS FROM", "CASH FALLBACK")
            for district in districts {
                let months = district.lastMonth.map { "until \($0)" } ?? district.firstMonth.map { "from \($0)" } ?? "always"
                table.add(district.code, district.name, months, district.approvalRequired ? "required" : "off", district.computedThrough ?? "-",
                          district.payingAccount ?? "(not set)", district.cashFallbackDay.map { "from day \($0)" } ?? "finance")
            }
            print(table.rendered)
            print("\(districts.count) payout unit\(districts.count == 1 ? "" : "s").")
        }
    }

    struct Approval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn finance's approval of computed runs on or off for a district (runs finishing from now on).")

        enum Setting: String, ExpressibleByArgument, CaseIterable { case on, off }

        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
        @Argument(help: "on (finance approves each computed run) or off (a computed run is approved at once).") var setting: Setting

        func run() async throws {
            let required = setting == .on
            try await ClientFailure.exiting {
                try await server.client().put("/units/\(district)/approval", json: DistrictRoutes.ApprovalBody(required: required),
                                              as: DistrictRoutes.ApprovalBody.self)
            }
            print(required ? "\(PayoutUnitCode.named(district)): computed runs wait for finance's approval."
                           : "\(PayoutUnitCode.named(district)): computed runs are approved at once, without finance's approval.")
        }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the account a district pays from: the debtor of its bank payment files.")

        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
        @Option(help: "The account holder's name, as the bank knows it.") var name: String
        @Option(help: "The account number (6 to 19 digits).") var account: String
        @Option(help: "The bank, by its Napas code (Agribank 970405, Vietcombank 970436, …).") var bank: String

        func run() async throws {
            let paying = DistrictSettings.PayingAccount(name: name, account: account, bank: bank)
            try await ClientFailure.exiting {
                try await server.client().put("/units/\(district)/paying-account", json: paying, as: [String: String].self)
            }
            print("\(PayoutUnitCode.named(district)) pays from account ****\(paying.account.suffix(4)) at bank \(paying.bank) (\(paying.name)).")
        }
    }

    struct FallbackDay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fallback-day",
            abstract: "From this day of the month, a district's still-failed transfers fall back to cash by themselves (off: only finance does it).")

        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
        @Argument(help: "A day from 1 to 28, or off.") var day: String

        func run() async throws {
            var chosen: Int?
            if day != "off" {
                guard let value = Int(day) else { throw ValidationError("Give a day from 1 to 28, or off.") }
                chosen = value
            }
            let setting = chosen
            try await ClientFailure.exiting {
                try await server.client().put("/units/\(district)/cash-fallback-day", json: DistrictRoutes.FallbackDayBody(day: setting),
                                              as: DistrictRoutes.FallbackDayBody.self)
            }
            print(setting.map { "\(PayoutUnitCode.named(district)): from day \($0) of each month, failed transfers fall back to cash by themselves." }
                  ?? "\(PayoutUnitCode.named(district)): failed transfers wait for finance (chitra retry, chitra cash fallback).")
        }
    }

    struct DebitGrace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "debit-grace-days",
            abstract: "The banking days after the bank's acceptance within which a transfer must be debited on a statement (3 unless set); after them it is a break to investigate.")

        @OptionGroup var server: ServerOptions
        @Option(name: [.customLong("unit"), .customLong("district")], help: "The payout unit: a district (3 digits) before 2025-07, a commune (5 digits) from it.") var district: String
        @Argument(help: "Banking days, 1 to 30.") var days: Int

        func run() async throws {
            try await ClientFailure.exiting {
                try await server.client().put("/units/\(district)/debit-grace-days", json: DistrictRoutes.DebitGraceBody(days: days),
                                              as: DistrictRoutes.DebitGraceBody.self)
            }
            print("\(PayoutUnitCode.named(district)): a transfer the bank accepted and no statement debits \(days) banking days on is a break.")
        }
    }
}
