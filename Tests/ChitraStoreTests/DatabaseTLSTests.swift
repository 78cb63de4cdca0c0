import ChitraLocal
import ChitraStore
import ChitraTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// Chitra reaches PostgreSQL over TLS as libpq does (issue 29): `verify-full` with a CA of the
/// deployment's own (`sslrootcert`) checks the server's certificate and its name, `verify-ca` the
/// certificate only, `require` encrypts and checks nothing; a certificate of another CA or of
/// another name is refused before a password is sent. A private cluster with `ssl = on`, its
/// certificates made by `openssl` for the test.
@Suite("TLS to PostgreSQL", .machine(limit: .minutes(2)))
struct DatabaseTLSTests {
    /// A CA, a server certificate it signs for `name` (and its key), and another CA, in `folder`.
    static func makeCertificates(in folder: String, serverName name: String) async throws {
        let script = """
            set -e
            cd '\(folder)'
            key() { openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "$@" 2>/dev/null; }
            [ -f ca.crt ] || key -x509 -keyout ca.key -out ca.crt -days 2 -subj '/CN=Chitra test CA'
            [ -f other.crt ] || key -x509 -keyout other.key -out other.crt -days 2 -subj '/CN=Another CA'
            key -keyout new.key -out server.csr -subj '/CN=\(name)'
            printf 'subjectAltName=DNS:\(name)\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out new.crt -days 2 -extfile san.ext 2>/dev/null
            # Written over the files the server reads, their owner and mode kept.
            cat new.crt > server.crt; cat new.key > server.key; chmod 600 server.key
            """
        let log = folder + "/openssl.log"
        let made = await (try ChildProcess(executable: "/bin/sh", arguments: ["-c", script], logPath: log)).waitForExit()
        #expect(made == 0, "\((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Whether a session opened with `url` is encrypted; throws if none opens.
    static func encrypted(_ url: String) async throws -> Bool {
        try await ask(DatabaseURL(parsing: url), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
    }

    /// The server reads its certificate again.
    static func reload(_ cluster: LocalCluster) async throws {
        _ = try await ask(cluster.superuserURL(), "SELECT pg_reload_conf()")
    }

    /// The one boolean `sql` answers, on a session of its own.
    static func ask(_ url: DatabaseURL, _ sql: PostgresQuery) async throws -> Bool {
        let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 1, logger: Logger(label: "tls-test"))
        do {
            var encrypted = false
            for try await row in try await connection.query(sql, logger: Logger(label: "tls-test")).decode(Bool.self) { encrypted = row }
            try await connection.close()
            return encrypted
        } catch {
            try? await connection.close()
            throw error
        }
    }

    @Test("verify-full with the deployment's CA opens an encrypted session; another CA, another name or an address instead of a name is refused; require checks nothing")
    func verification() async throws {
        let folder = NSTemporaryDirectory() + "chitra-tls-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: folder + "/tls", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tls = folder + "/tls"
        try await Self.makeCertificates(in: tls, serverName: "localhost")
        // The server (run as postgres when the tests run as root) reads its key.
        if geteuid() == 0 { _ = await (try ChildProcess(executable: "/bin/chown", arguments: ["-R", "postgres", tls])).waitForExit() }
        let cluster = try await LocalCluster.start(in: folder + "/cluster", settings: [
            "ssl": "on", "ssl_cert_file": tls + "/server.crt", "ssl_key_file": tls + "/server.key",
        ])
        do {
            try await Self.verify(cluster, tls: tls)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    static func verify(_ cluster: LocalCluster, tls: String) async throws {
        let owner = cluster.ownerURL()
        let login = "postgres://\(owner.user):\(owner.password?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        @Sendable func url(_ host: String, _ mode: String, ca: String? = nil) -> String {
            "\(login)@\(host):\(cluster.port)/postgres?sslmode=\(mode)" + (ca.map { "&sslrootcert=\(tls)/\($0).crt" } ?? "")
        }

        #expect(try await Self.encrypted(url("localhost", "verify-full", ca: "ca")))
        await #expect(throws: (any Error).self, "a certificate of another CA") { try await Self.encrypted(url("localhost", "verify-full", ca: "other")) }
        await #expect(throws: (any Error).self, "verify-ca checks the CA too") { try await Self.encrypted(url("127.0.0.1", "verify-ca", ca: "other")) }
        #expect(try await Self.encrypted(url("127.0.0.1", "verify-ca", ca: "ca")), "verify-ca does not ask for the name")
        #expect(try await Self.encrypted(url("127.0.0.1", "require")), "require encrypts and checks nothing, as libpq")
        #expect(try await !Self.encrypted(url("127.0.0.1", "disable")))
        #expect(throws: StoreError.badDatabaseURL("sslmode=verify-full checks the server's name: give its host name, not the address 127.0.0.1")) {
            try DatabaseURL(parsing: url("127.0.0.1", "verify-full", ca: "ca"))
        }

        // The server's certificate now names another host: verify-full to localhost is refused, verify-ca still opens.
        try await Self.makeCertificates(in: tls, serverName: "db.chitra.test")
        try await Self.reload(cluster)
        try await eventually("the server takes its new certificate") {
            (try? await Self.encrypted(url("localhost", "verify-full", ca: "ca"))) == nil
        }
        #expect(try await Self.encrypted(url("localhost", "verify-ca", ca: "ca")))
    }

    @Test("an sslmode libpq does not know, a check without a CA or a CA file that is not there is refused with one sentence; the CA file comes back whole")
    func badSettings() throws {
        #expect(throws: StoreError.badDatabaseURL("sslmode must be one of disable, allow, prefer, require, verify-ca, verify-full, not verify")) {
            try DatabaseURL(parsing: "postgres://chitra@db.chitra.test/chitra?sslmode=verify")
        }
        #expect(throws: StoreError.badDatabaseURL("sslrootcert names /no/such/ca.crt, which is no file this process can read")) {
            try DatabaseURL(parsing: "postgres://chitra@db.chitra.test/chitra?sslmode=verify-full&sslrootcert=/no/such/ca.crt")
        }
        #expect(throws: StoreError.badDatabaseURL("sslmode=verify-ca checks the server's certificate against a CA: name it with sslrootcert=FILE")) {
            try DatabaseURL(parsing: "postgres://chitra@db.chitra.test/chitra?sslmode=verify-ca")
        }
        #expect(throws: StoreError.badDatabaseURL("sslrootcert=system trusts every public CA: only with sslmode=verify-full, which checks the server's name too")) {
            try DatabaseURL(parsing: "postgres://chitra@db.chitra.test/chitra?sslmode=require&sslrootcert=system")
        }
        let url = try DatabaseURL(parsing: "postgres://chitra@db.chitra.test/chitra?sslmode=verify-full&sslrootcert=/etc/hosts")
        #expect(url.sslRootCert == "/etc/hosts" && url.connectionString.hasSuffix("?sslmode=verify-full&sslrootcert=/etc/hosts"))
        // A CA file whose name holds what a query separates comes back whole.
        let odd = NSTemporaryDirectory() + "ca&x=1+2.crt"
        #expect(FileManager.default.createFile(atPath: odd, contents: Data("x".utf8)))
        defer { try? FileManager.default.removeItem(atPath: odd) }
        var again = url
        again.sslRootCert = odd
        #expect(try DatabaseURL(parsing: again.connectionString).sslRootCert == odd)
    }
}
