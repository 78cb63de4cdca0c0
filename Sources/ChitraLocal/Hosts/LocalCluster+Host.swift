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

    /// The URL another host reaches database `database` by as `role`: by name, `verify-full`.
    public func url(_ role: LocalCluster.LoginRole, database: String) -> DatabaseURL {
        DatabaseURL(user: role.rawValue, password: cluster.passwords[role] ?? "", host: placement.hostName, port: cluster.port,
                    database: database, sslMode: "verify-full", sslRootCert: tls + "/ca.crt")
    }
}

extension LocalCluster {
    /// Stops the server and starts it again in host `placement` (its CPU share too), as `HostedCluster` says.
    public func moveIntoHost(_ placement: HostPlacement, tls: String) async throws -> HostedCluster {
        let made = try await Subprocess.run(placement.script, ["cert", tls, placement.host])
        guard made.status == 0 else { throw HostFailure(what: "a certificate for \(placement.host)", output: made.output) }
        if Self.runningAsRoot { _ = try await Subprocess.run("/bin/chown", ["-R", "postgres", tls]) }
        let hba = dataFolder + "/pg_hba.conf"
        let rule = "hostssl all all 10.77.0.0/24 scram-sha-256\n"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        if !rules.contains(rule) { try (rules + rule).write(toFile: hba, atomically: false, encoding: .utf8) }
        let address = try await placement.address()
        await stop(removingFolder: false)
        try await launch(settings: Self.defaultSettings.merging([
            "listen_addresses": address, "ssl": "on", "ssl_cert_file": "\(tls)/\(placement.host).crt", "ssl_key_file": "\(tls)/\(placement.host).key",
        ]) { $1 }, detached: false, prefix: placement.prefix)
        return HostedCluster(cluster: self, placement: placement, tls: tls)
    }
}
