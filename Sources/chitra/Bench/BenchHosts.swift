import ArgumentParser
import ChitraLocal
import Foundation

/// Hosts for a benchmark (issue 29): PostgreSQL, the API, each worker and the load generator on
/// hosts of `ops/hosts` of their own, each held to a CPU share, so that what one uses the others
/// cannot take; they reach the database over the hosts' network with TLS (`verify-full`).
struct BenchHosts: Sendable {
    /// `ops/hosts/hosts`, found from the working directory (the benchmarks run from the package's root).
    var script: String
    var shares: Shares
    var workers: Int

    /// Cores for each host: `db=1,api=0.5,worker=0.25,load=0.25` (each worker host its own share),
    /// and with `standby=0.4` a streaming standby on host db2 that the API reads from.
    struct Shares: Sendable, Codable, CustomStringConvertible {
        var database: Double
        var api: Double
        var worker: Double
        var load: Double
        var standby: Double?

        init(parsing text: String) throws {
            var values: [String: Double] = [:]
            for part in text.split(separator: ",") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, ["db", "api", "worker", "load", "standby"].contains(pair[0]), let value = Double(pair[1]), value > 0, value <= 64 else {
                    throw ValidationError("--hosts takes db=CORES,api=CORES,worker=CORES,load=CORES (e.g. db=1,api=0.5,worker=0.25,load=0.25), not '\(part)'.")
                }
                values[pair[0]] = value
            }
            guard let database = values["db"], let api = values["api"], let worker = values["worker"], let load = values["load"] else {
                throw ValidationError("--hosts names a share for each of db, api, worker and load, e.g. db=1,api=0.5,worker=0.25,load=0.25.")
            }
            (self.database, self.api, self.worker, self.load, self.standby) = (database, api, worker, load, values["standby"])
        }

        var description: String {
            func cores(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
            return "database \(cores(database)) core, " + (standby.map { "its standby \(cores($0)) (the API's reads), " } ?? "")
                + "API \(cores(api)), each worker \(cores(worker)), load \(cores(load))"
        }
    }

    init(shares: Shares, workers: Int) throws {
        let script = FileManager.default.currentDirectoryPath + "/ops/hosts/hosts"
        guard FileManager.default.isExecutableFile(atPath: script) else {
            throw ValidationError("--hosts needs ops/hosts/hosts: run the benchmark from the package's root folder.")
        }
        (self.script, self.shares, self.workers) = (script, shares, workers)
    }

    var workerHosts: [String] { (1...max(1, workers)).map { "w\($0)" } }

    func placement(_ host: String) -> HostPlacement {
        let share = switch host {
        case "db": shares.database
        case "db2": shares.standby ?? shares.database
        case "api": shares.api
        case "load": shares.load
        default: shares.worker
        }
        return HostPlacement(script: script, host: host, cpu: share)
    }

    /// Every host made afresh.
    func up() async throws {
        _ = try await harness(["down"])
        let made = try await harness(["up", "db", "api", "load"] + (shares.standby == nil ? [] : ["db2"]) + workerHosts)
        guard made.status == 0 else { throw ValidationError("ops/hosts/hosts up failed: \(made.output.suffix(500))") }
    }

    func down() async { _ = try? await harness(["down"]) }

    private func harness(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ChildProcess.run(script, arguments)
    }
}
