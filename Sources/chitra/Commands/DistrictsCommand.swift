import ArgumentParser
import ChitraStore

/// `chitra districts [list]` and `chitra districts approval --district CODE on|off`.
struct DistrictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "districts", abstract: "List the districts and change their settings.",
        subcommands: [List.self, Approval.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The districts, whether their runs need approval, and their last computed month.")

        @OptionGroup var connection: ConnectionOptions

        func run() async throws {
            let districts = try await connection.withDatabase { try await DistrictSettings.list(database: $0) }
            var table = TextTable("DISTRICT", "NAME", "APPROVAL", "COMPUTED THROUGH")
            for district in districts {
                table.add(district.code, district.name, district.approvalRequired ? "required" : "off", district.computedThrough ?? "-")
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
}
