import ArgumentParser
import ChitraStore

/// `chitra districts [list]` and `chitra districts approval --district CODE on|off`.
struct DistrictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "districts", abstract: "List the districts and change their settings.",
        subcommands: [List.self, Approval.self, Account.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The districts, whether their runs need approval, and their last computed month.")

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let districts = try await connection.withDatabase { try await DistrictSettings.list(database: $0) }
            var table = TextTable("DISTRICT", "NAME", "APPROVAL", "COMPUTED THROUGH", "PAYS FROM")
            for district in districts {
                let account = district.payingAccount.map { "\($0.bank) ****\($0.account.suffix(4)) \($0.name)" } ?? "(not set)"
                table.add(district.code, district.name, district.approvalRequired ? "required" : "off", district.computedThrough ?? "-", account)
            }
            print(table.rendered)
        }
    }

    struct Approval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn finance's approval of computed runs on or off for a district (runs finishing from now on).")

        enum Setting: String, ExpressibleByArgument, CaseIterable { case on, off }

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The district (3 digits).") var district: String
        @Argument(help: "on (finance approves each computed run) or off (a computed run is approved at once).") var setting: Setting

        func run() async throws {
            let (district, required) = (self.district, setting == .on)
            try await connection.withDatabase { try await DistrictSettings.setApprovalRequired(required, district: district, database: $0) }
            print(required ? "District \(district): computed runs wait for finance's approval."
                           : "District \(district): computed runs are approved at once, without finance's approval.")
        }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the account a district pays from: the debtor of its bank payment files.")

        @OptionGroup var connection: ConnectionOptions
        @Option(help: "The district (3 digits).") var district: String
        @Option(help: "The account holder's name, as the bank knows it.") var name: String
        @Option(help: "The account number (6 to 19 digits).") var account: String
        @Option(help: "The bank, by its Napas code (Agribank 970405, Vietcombank 970436, …).") var bank: String

        func run() async throws {
            let district = self.district
            let paying = DistrictSettings.PayingAccount(name: name, account: account, bank: bank)
            try await connection.withDatabase(districts: [district]) {
                try await DistrictSettings.setPayingAccount(paying, district: district, database: $0)
            }
            print("District \(district) pays from account ****\(paying.account.suffix(4)) at bank \(paying.bank) (\(paying.name)).")
        }
    }
}
