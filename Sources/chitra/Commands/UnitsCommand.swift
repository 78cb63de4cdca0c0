import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraStore

/// `chitra units list|successors|load|loads|move`: the catalogue of administrative units, over the API.
struct UnitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units", abstract: "The catalogue of provinces, districts and communes, over time, and the lineage of the 2025 reform.",
        subcommands: [List.self, Successors.self, Load.self, Loads.self, Move.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List units: of a province, a level, valid on a day.")

        @OptionGroup var server: ServerOptions
        @Option(help: "A province's code (2 digits).") var province: String?
        @Option(help: "province, district or commune.") var level: UnitLevel?
        @Option(help: "Only the units that existed on this day (YYYY-MM-DD).") var on: String?
        @Option(help: "The old district or commune whose successors to list (same as `chitra units successors CODE`).")
        var successors: String?
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if let on, Day(on) == nil { throw ValidationError("--on takes a day written YYYY-MM-DD, e.g. 2025-07-01.") }
            if let province, province.count != 2 || !province.allSatisfy(\.isNumber) {
                throw ValidationError("--province takes a province's code of 2 digits, e.g. 96 for Cà Mau.")
            }
        }

        func run() async throws {
            if let successors {
                return try await Successors.print(code: successors, server: server, json: json)
            }
            let units = try await ClientFailure.exiting {
                try await server.client().get("/units", query: [("province", province), ("level", level?.rawValue), ("on", on)],
                                              as: [AdministrativeUnit].self)
            }
            if json { return print(try jsonText(units)) }
            var table = TextTable("LEVEL", "CODE", "NAME", "PROVINCE", "DISTRICT", "FROM", "UNTIL")
            for unit in units {
                table.add(unit.level.rawValue, unit.code, unit.nameWithType, unit.provinceCode, unit.districtCode ?? "",
                          unit.validFrom?.description ?? "", unit.validTo.map { "\($0)" } ?? "")
            }
            print(table.rendered)
            print("\(units.count) unit\(units.count == 1 ? "" : "s").")
        }
    }

    struct Successors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where an old district's or commune's people went: its lineage edges to the new communes.")

        @OptionGroup var server: ServerOptions
        @Argument(help: "The old district (3 digits) or commune (5 digits).") var code: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws { try await Self.print(code: code, server: server, json: json) }

        static func print(code: String, server: ServerOptions, json: Bool) async throws {
            guard PayoutUnitCode.isValid(code) else { throw ValidationError("A unit's code is a district's 3 digits or a commune's 5.") }
            let edges: [UnitRoutes.Successor]
            do {
                edges = try await server.client().get("/units/\(code)/successors", as: [UnitRoutes.Successor].self)
            } catch let failure as ClientFailure where failure.status == 404 {
                throw ValidationError(failure.message)
            }
            if json { return chitra.print(try jsonText(edges)) }
            var table = TextTable("DAY", "OLD DISTRICT", "OLD COMMUNE", "NEW COMMUNE", "NAME", "KIND")
            for edge in edges {
                table.add(edge.effective, edge.oldDistrictCode ?? "", edge.oldCommuneCode ?? "", edge.newCommuneCode,
                          edge.newCommuneName, edge.kind.rawValue)
            }
            chitra.print(table.rendered)
            let communes = Set(edges.map(\.newCommuneCode)).count
            let ambiguous = edges.filter { $0.kind == .ambiguous }.count
            chitra.print("\(communes) successor commune\(communes == 1 ? "" : "s")"
                         + (ambiguous > 0 ? "; \(ambiguous) edge\(ambiguous == 1 ? "" : "s") ambiguous (a person assigns who goes where)." : "."))
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load official unit lists from a folder (the six files of data/units): prints what changes, then changes it.",
            discussion: "The lists are sent to chitra serve (an admin's token); the server keeps each file's SHA-256 with the load.")

        @OptionGroup var server: ServerOptions
        @Argument(help: "The folder of the lists.") var folder: String
        @Flag(help: "Print what would change and change nothing.") var dryRun = false

        func run() async throws {
            var files: [String: String] = [:]
            for (name, data) in try UnitCatalogueFiles.contents(ofFolder: folder) {
                guard let text = String(data: data, encoding: .utf8) else {
                    throw ValidationError("\(folder)/\(name) is not UTF-8 text.")
                }
                files[name] = text
            }
            let report = try await ClientFailure.exiting {
                try await server.client().post("/units/loads", json: UnitLoadRoutes.Upload(files: files, dryRun: dryRun),
                                               as: UnitLoadRoutes.Report.self)
            }
            print("Lists of \(folder): reform on \(report.reform); \(report.units) units, \(report.edges) lineage edges.")
            for name in report.sha256.keys.sorted() { print("  \(name)  sha256 \(report.sha256[name]!)") }
            for warning in report.corrected { print("Corrected: \(warning).") }
            for line in report.changes { print(line) }
            if let id = report.loadID { print("Loaded (load \(id)).") }
        }
    }

    struct Loads: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every load of unit lists: when, by whom, the files' SHA-256.")

        @OptionGroup var server: ServerOptions

        func run() async throws {
            let loads = try await ClientFailure.exiting {
                try await server.client().get("/units/loads", as: [UnitLoadRoutes.Load].self)
            }
            for load in loads {
                let c = load.counts
                print("load \(load.id) · \(load.loadedAt) · \(load.loadedBy) · reform \(load.reform) · units +\(c[0]) ~\(c[1]) -\(c[2]) · edges +\(c[3]) ~\(c[4]) -\(c[5])")
                for name in load.sha256.keys.sorted() { print("  \(name)  sha256 \(load.sha256[name]!)") }
            }
        }
    }
}

extension UnitLevel: ExpressibleByArgument {}
