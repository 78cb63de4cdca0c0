import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Logging

/// The 2025 reform on a small scale, before the demo's month, in a database of its own on the same
/// server (so that the month after it stays the country as it is today): June 2025 paid by Bạc
/// Liêu's seven districts and by Cà Mau city (964, whose communes the reform split: the lineage
/// has "Nhập một phần" edges there); their registers moved through the official lineage, the few
/// people it cannot place assigned by the province; July 2025 paid by the communes, each compared
/// with the district it came from.
struct DemoReform {
    static let districts = BacLieu.districtCodes + ["964"]
    static let before = Period(year: 2025, month: 6)!
    static let after = Period(year: 2025, month: 7)!

    let store: PrivateDatabase
    let simulator: BankSimulatorProcess
    let workers: Int
    let folder: String
    let logLevel: String
    let logger: Logger
    /// People per district.
    let perDistrict: Int

    func run() async throws {
        print("The 2025 reform first, on a small scale (database chitra_demo_reform): \(Self.districts.count) districts pay \(Self.before), "
              + "their registers move to the communes, the communes pay \(Self.after)")
        let reform = try await store.another(name: "chitra_demo_reform", logger: logger)
        let (people, province, oldCommunes, successors) = try await Database.withRunning(reform.url, scope: .owner, logger: logger) { database in
            _ = try await Migrator(database: database).migrate()
            let old = try await UnitCatalogueStore.list(.init(level: .commune, on: Day(period: Self.before, day: 30)), database: database)
            var oldCommunes: [String: [String]] = [:]
            for commune in old { if let district = commune.districtCode, Self.districts.contains(district) { oldCommunes[district, default: []].append(commune.code) } }
            var successors = Set<String>()
            for district in Self.districts {
                for edge in try await UnitCatalogueStore.successors(of: district, database: database) { successors.insert(edge.edge.newCommuneCode) }
            }
            let people = try await ProvincePeople.make(districts: Self.districts + successors.sorted(), owner: database)
            let province = try await Tokens.identity(TokenRequest(name: "Sở Nội vụ Cà Mau", role: .province, province: CaMau.provinceCode, expiresInDays: 1),
                                                     by: .system("owner", districts: []), database: database).identity
            return (people, province, oldCommunes, successors.sorted())
        }
        let units = Self.districts + successors
        try await Database.withRunning(reform.apiURL, scope: people.scope(units), logger: logger) { database in
            try await importDistricts(oldCommunes: oldCommunes, people: people, database: database)
            for unit in units {
                try await DistrictSettings.setPayingAccount(.init(name: "Đơn vị chi trả \(unit)", account: "2000\(unit)01", bank: "970405"),
                                                            district: unit, by: people.admin, database: database)
            }
            let june = try DemoPayout(database: database, url: reform.workerURL, people: people, period: Self.before, districts: Self.districts,
                                      simulator: simulator, workers: workers, folder: folder, logLevel: logLevel, compact: true)
            try await finish(june) { try await june.run() }
            let arrived = try await move(province: province, database: database)
            let july = try DemoPayout(database: database, url: reform.workerURL, people: people, period: Self.after, districts: arrived,
                                      simulator: simulator, workers: workers, folder: folder, logLevel: logLevel, compact: true)
            let report = try await finish(july) { try await july.run() }
            try await compare(report, database: database)
        }
    }

    /// Runs a month's payout and stops its workers, however it ends.
    @discardableResult
    private func finish<T>(_ payout: DemoPayout, _ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await payout.stopWorkers()
            return result
        } catch {
            await payout.stopWorkers(now: true)
            throw error
        }
    }

    /// One register per district as it stood in June 2025: paid before Chitra through May 2025,
    /// every person in one of the district's real communes.
    private func importDistricts(oldCommunes: [String: [String]], people: ProvincePeople, database: Database) async throws {
        let generator = SyntheticRegister(policy: try PolicyTable.bundled(), seed: 2025)
        let importer = RegisterImporter(database: database, policy: try PolicyTable.bundled())
        for (index, district) in Self.districts.enumerated() {
            let path = "\(folder)/reform-register-\(district).csv"
            let first = index * perDistrict + 1
            _ = try SyntheticRegisterFile.write(district: district, range: first..<(first + perDistrict), generator: generator,
                                                province: district == "964" ? CaMau.provinceCode : BacLieu.provinceCode,
                                                paidThrough: Self.before.previous, communes: oldCommunes[district] ?? [], to: path)
            _ = try await importer.importFile(at: path, district: district, by: people.operatorIdentity)
            try? FileManager.default.removeItem(atPath: path)
        }
        print("• registers of June 2025: \(VietnameseNumber.grouped(perDistrict * Self.districts.count)) people in \(Self.districts.count) districts "
              + "(Bạc Liêu's seven and Cà Mau city), paid before Chitra through \(Self.before.previous)")
    }

    /// The province moves each district's register; the people the lineage cannot place wait and
    /// are assigned by the province (here: each to the first commune the lineage offers, a choice
    /// the province makes and the audit log records); the communes that received people.
    private func move(province: Identity, database: Database) async throws -> [String] {
        var destinations = Set<String>(), moved = 0, waited = 0
        for district in Self.districts {
            let outcome = try await RegisterMove.move(from: district, effective: Self.after, by: province, database: database)
            destinations.formUnion(outcome.moved.keys)
            moved += outcome.movedTotal
            waited += outcome.waiting
        }
        print("• the province moved the registers through the lineage: \(VietnameseNumber.grouped(moved)) people to "
              + "\(destinations.count) communes; \(waited) wait, their communes split by the reform (\"Nhập một phần\")")
        var assigned = 0
        for district in Self.districts {
            let waiting = try await RegisterMove.waiting(from: district, database: database)
            guard !waiting.isEmpty else { continue }
            let choices = waiting.enumerated().compactMap { line, person in
                person.candidates.split(separator: " ").first.map { (line: line + 2, beneficiaryID: person.beneficiaryID, unit: String($0)) }
            }
            let outcome = try await RegisterMove.assign(choices, from: district, by: province, database: database)
            destinations.formUnion(outcome.moved.keys)
            assigned += choices.count
        }
        if assigned > 0 { print("• the province assigned the \(assigned) who waited, each to one of the communes the lineage offers them") }
        return destinations.sorted()
    }

    /// Each commune of July beside the district it came from in June: nobody lost, nobody twice.
    private func compare(_ july: ProvinceReport, database: Database) async throws {
        let comparisons = try await MonthlyReports.compare(july, with: Self.before, database: database)
        let june = try await MonthlyReports.make(period: Self.before, districts: Self.districts, database: database)
        let fromDistricts = Set(comparisons.flatMap(\.formerUnits)).intersection(Self.districts)
        print("• \(Self.before): \(VietnameseNumber.grouped(june.total.beneficiaries)) people paid by \(june.districts.count) districts; "
              + "\(Self.after): \(VietnameseNumber.grouped(july.total.beneficiaries)) by \(comparisons.count) communes, which came from "
              + "\(fromDistricts.count) of them (`chitra report --period \(Self.after) --compare \(Self.before)` sets each beside its district)")
    }
}
