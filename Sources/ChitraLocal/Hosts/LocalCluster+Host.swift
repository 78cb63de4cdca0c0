import ChitraStore
import Foundation

/// A private cluster moved into a host of `ops/hosts` (issue 29): it listens on the host's address
/// only, with a certificate of `NAME.chitra.test` signed by the hosts' own CA, and takes the hosts'
/// network only over TLS; the machine still reaches it through its socket (`socketURL`).
public struct HostedCluster: Sendable {
    public let cluster: LocalCluster
    public let placement: HostPlacement
    /// The folder of the hosts' CA (`ca.crt`) and the server's certificate.
    public let tls: String
    /// The settings it runs with besides the private cluster's defaults (a standby gets them too).
    public var settings: [String: String] = [:]

    /// The URL another host reaches database `database` by as `role`: by name, `verify-full`.
    public func url(_ role: LocalCluster.LoginRole, database: String) -> DatabaseURL {
        DatabaseURL(user: role.rawValue, password: cluster.passwords[role] ?? "", host: placement.hostName, port: cluster.port,
                    database: database, sslMode: "verify-full", sslRootCert: tls + "/ca.crt")
    }
}

extension LocalCluster {
    /// Stops the server and starts it again in host `placement` (its CPU share too), as `HostedCluster`
    /// says, with `settings` besides the private cluster's defaults (those it was started with).
    public func moveIntoHost(_ placement: HostPlacement, tls: String, settings: [String: String] = [:]) async throws -> HostedCluster {
        let hba = dataFolder + "/pg_hba.conf"
        let rule = "hostssl all all 10.77.0.0/24 scram-sha-256\n"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        if !rules.contains(rule) { try (rules + rule).write(toFile: hba, atomically: false, encoding: .utf8) }
        await stop(removingFolder: false)
        try await launch(in: placement, tls: tls, settings: settings)
        return HostedCluster(cluster: self, placement: placement, tls: tls, settings: settings)
    }

    /// Starts the server in host `placement`: a certificate of its own from the hosts' CA in `tls`,
    /// listening on the host's address, TLS on, with `settings` besides the private cluster's defaults.
    func launch(in placement: HostPlacement, tls: String, settings: [String: String], _ more: [String: String] = [:]) async throws {
        let made = try await Subprocess.run(placement.script, ["cert", tls, placement.host])
        guard made.status == 0 else { throw HostFailure(what: "a certificate for \(placement.host)", output: made.output) }
        if Self.runningAsRoot { _ = try await Subprocess.run("/bin/chown", ["-R", "postgres", tls]) }
        let address = try await placement.address()
        try await launch(settings: Self.defaultSettings.merging(settings) { $1 }.merging(more) { $1 }.merging([
            "listen_addresses": address, "ssl": "on", "ssl_cert_file": "\(tls)/\(placement.host).crt", "ssl_key_file": "\(tls)/\(placement.host).key",
        ]) { $1 }, detached: false, prefix: placement.prefix)
    }
}

extension HostedCluster {
    /// A streaming standby of this cluster in host `placement` (issue 29's reads off the primary):
    /// copied by `pg_basebackup` through the primary's socket (the machine's filesystem, not the
    /// hosts' network), replicating through it, listening on its host's address with a certificate
    /// of its own from the same CA, TLS only. It stops, and its folder goes, with this process.
    public func standby(in placement: HostPlacement) async throws -> HostedCluster {
        let primary = cluster
        let folder = try LocalCluster.makeTemporaryFolder()
        let standby = LocalCluster(folder: folder, port: primary.port, binaries: primary.binaries, password: primary.password,
                                   passwords: primary.passwords)
        try standby.startWatchdog(removingFolder: true)
        // The superuser's password for the copy and for replication, in a file of the server's user only.
        let passwords = folder + "/replication.pgpass"
        try PrivateFile.write("*:*:*:\(LocalCluster.superuser):\(primary.password)\n", to: passwords)
        if LocalCluster.runningAsRoot { _ = try await Subprocess.run("/bin/chown", ["-R", "postgres:postgres", folder]) }
        let copy = try await Subprocess.run("/usr/bin/env", ["PGPASSFILE=\(passwords)"]
            + [standby.asServerUser(primary.binaries.pgBasebackup)] + standby.asServerUserArguments(primary.binaries.pgBasebackup, [
                "-D", standby.dataFolder, "-h", primary.folder, "-p", String(primary.port), "-U", LocalCluster.superuser,
                "-X", "stream", "-R", "--no-sync",
            ]), in: folder)
        guard copy.status == 0 else { throw StoreError.clusterFailed("pg_basebackup failed: \(standby.lastLine(of: copy.output))") }
        try await standby.launch(in: placement, tls: tls, settings: settings, ["hot_standby": "on"])
        return HostedCluster(cluster: standby, placement: placement, tls: tls, settings: settings)
    }
}
