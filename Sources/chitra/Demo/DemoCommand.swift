import ArgumentParser
import ChitraAPI
import ChitraCore
import ChitraLocal
import ChitraStore
import ChitraWorker
import Foundation
import Logging
import ServiceLifecycle

/// `chitra demo`: one month of a synthetic Cà Mau province (its 64 communes since the 2025 reform,
/// Bạc Liêu's former districts among them) paid end to end on a private
/// PostgreSQL (never DATABASE_URL's): the register imported, the month computed by two worker
/// processes, approved by a second person, paid through `chitra-banksim` with realistic faults,
/// failed transfers fallen back to cash, the post office's confirmations recorded, and the
/// province's report; then the console's address and a token to look at it.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Pay one month of a synthetic province end to end on a private PostgreSQL, and report.")

    @Option(help: "Synthetic beneficiaries in the province, spread unequally over its 64 communes.") var beneficiaries: Int = 50_000
    @Option(help: "The folder of the private PostgreSQL, kept and reused next time.") var folder: String = "/tmp/chitra-demo"
    @Option(help: "People per district in the 2025 reform shown first (June 2025 by districts, the move, July by communes); 0: skip it.")
    var reformPeople: Int = 150
    @Option(help: "Worker processes.") var workers: Int = 2
    @Option(help: "The console's port (0: a free one).") var port: Int = 0
    @Flag(help: "Leave the console, the bank simulator and the database up until Ctrl-C.") var keepRunning = false
    @Option(name: .customLong("log-level"), help: "Log level of the demo and its workers.") var logLevel: String = "error"

    /// The month the demo pays: the synthetic register was paid before Chitra through May 2026.
    static let period = Period(year: 2026, month: 6)!

    func validate() throws {
        guard (70...2_000_000).contains(beneficiaries) else { throw ValidationError("--beneficiaries must be from 70 to 2000000.") }
        guard (1...16).contains(workers) else { throw ValidationError("--workers must be from 1 to 16.") }
        guard (0...20_000).contains(reformPeople) else { throw ValidationError("--reform-people must be from 0 to 20000.") }
    }

    func run() async throws {
        let logger = ProcessLogging.bootstrap(label: "chitra.demo", level: logLevel)
        let clock = ContinuousClock()
        let started = clock.now
        print("Chitra demo: \(VietnameseNumber.grouped(beneficiaries)) beneficiaries of Cà Mau's 64 communes, the month of \(Self.period), paid end to end")
        let store = try await PrivateDatabase.make(name: "chitra_demo", folder: folder, logger: logger)
        print("• private PostgreSQL in \(folder) (kept for next time), database chitra_demo made afresh")
        do {
            let (people, communes) = try await Database.withRunning(store.url, scope: .owner, logger: logger) { database in
                let applied = try await Migrator(database: database).migrate()
                print("• migrations: \(applied.count) applied; the API and the workers log in as chitra_api and chitra_worker, the owner is not a superuser")
                let communes = try await UnitCatalogueStore.list(.init(province: CaMau.provinceCode, level: .commune, on: Day(period: Self.period, day: 1)),
                                                                 database: database)
                print("• the unit catalogue: Cà Mau pays through \(communes.count) communes and wards in \(Self.period) (Bạc Liêu's seven districts were abolished on 2025-07-01)")
                return (try await ProvincePeople.make(districts: communes.map(\.code), owner: database), communes)
            }
            let codes = communes.map(\.code)
            // From here on as the application's role, row-level security applying, as in production.
            try await Database.withRunning(store.apiURL, scope: people.scope(codes), logger: logger) { database in
                try await DemoRegister.importProvince(database: database, communes: communes, total: beneficiaries, by: people.operatorIdentity)
                for commune in communes {
                    try await DistrictSettings.setPayingAccount(.init(name: "UBND \(commune.nameWithType)", account: "1000\(commune.code)01", bank: "970405"),
                                                                district: commune.code, by: people.admin, database: database)
                }
                let simulator = try await BankSimulatorProcess.start(["--faults", "realistic", "--no-dedup", "--seed", "7"], endsWithParent: true)
                print("• bank and e-wallet simulator (realistic faults: timeouts, 5xx, rejections, a bank that does not deduplicate) at \(simulator.baseURL)")
                if reformPeople > 0 {
                    do {
                        try await DemoReform(store: store, simulator: simulator, workers: workers, folder: folder, logLevel: logLevel, logger: logger,
                                             perDistrict: reformPeople).run()
                    } catch {
                        await simulator.stop()
                        throw error
                    }
                    print("Now the month of \(Self.period), the country as it is: Cà Mau's 64 communes")
                }
                let payout = try DemoPayout(database: database, url: store.workerURL, people: people, period: Self.period,
                                        districts: codes, simulator: simulator, workers: workers, folder: folder, logLevel: logLevel)
                do {
                    let report = try await payout.run()
                    print(String(format: "• the whole month took %.0f s", (clock.now - started).seconds))
                    try await showConsole(database: database, people: people, report: report, logger: logger)
                    await payout.stopWorkers()
                    await simulator.stop()
                } catch {
                    await payout.stopWorkers(now: true)
                    await simulator.stop()
                    throw error
                }
            }
        } catch {
            await store.stop()
            throw error
        }
        await store.stop()
    }

    /// Serves the console (with --keep-running until Ctrl-C), or says how to.
    private func showConsole(database: Database, people: ProvincePeople, report: ProvinceReport, logger: Logger) async throws {
        guard keepRunning else {
            print("• to look at it in the console: chitra demo --keep-running (the console, the simulator and the database stay up until Ctrl-C)")
            return
        }
        try await Database.withRunning(database.url, logger: logger) { pool in
            let server = APIServer(database: pool, console: try await ConsoleTemplates.load(), secureCookies: false, logger: logger)
            let app = server.application(host: "127.0.0.1", port: port) { bound in
                print("• the console: http://127.0.0.1:\(bound)/console/report?period=\(Self.period) — log in with the province's token")
                print("  \(people.readerToken)")
                print("  Ctrl-C ends the demo and everything it started.")
            }
            let group = ServiceGroup(configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                          logger: logger))
            try await group.run()
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
