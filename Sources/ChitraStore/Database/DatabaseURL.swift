import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `DATABASE_URL`: `postgres://user:password@host:port/database?sslmode=disable`,
/// or a Unix socket as `postgres://user@/database?host=/tmp/folder`. TLS as libpq means it:
/// `sslmode=verify-full&sslrootcert=/etc/chitra/ca.crt` encrypts, checks the server's certificate
/// against that CA and its name against the host's.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    /// A host name or address; `nil` when `socketDirectory` is set.
    public var host: String?
    public var port: Int
    public var socketDirectory: String?
    public var database: String
    /// `disable`; `allow` or `prefer` (the default, as libpq): encrypted when the server offers it,
    /// nothing verified; `require`: encrypted (and the server's certificate checked against
    /// `sslRootCert` when given, as libpq); `verify-ca`: its certificate signed by the CA;
    /// `verify-full`: and naming the host.
    public var sslMode: String
    /// The CA file the server's certificate is checked against (`sslrootcert`; the system's roots
    /// when absent).
    public var sslRootCert: String?

    public static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
    /// `sslrootcert=system`: the system's trusted CAs (libpq's word; with verify-full only).
    public static let systemRoots = "system"

    public init(user: String, password: String? = nil, host: String? = nil, port: Int = 5432,
                socketDirectory: String? = nil, database: String, sslMode: String = "disable", sslRootCert: String? = nil) {
        self.sslRootCert = sslRootCert
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.socketDirectory = socketDirectory
        self.database = database
        self.sslMode = sslMode
    }

    public init(parsing text: String) throws(StoreError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw .badDatabaseURL("it must look like postgres://user:password@host:5432/database")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
                               uniquingKeysWith: { _, last in last })
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .badDatabaseURL("it names no database after the host") }
        let user = components.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        let host = socket == nil ? (components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost") : nil
        let sslMode = query["sslmode"] ?? "prefer", rootCert = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        guard Self.sslModes.contains(sslMode) else {
            throw .badDatabaseURL("sslmode must be one of \(Self.sslModes.joined(separator: ", ")), not \(sslMode)")
        }
        if sslMode == "verify-full", socket == nil, let host, Self.isAddress(host) {
            throw .badDatabaseURL("sslmode=verify-full checks the server's name: give its host name, not the address \(host)")
        }
        if ["verify-ca", "verify-full"].contains(sslMode), rootCert == nil {
            throw .badDatabaseURL("sslmode=\(sslMode) checks the server's certificate against a CA: name it with sslrootcert=FILE"
                                  + (sslMode == "verify-full" ? " (or sslrootcert=system for the system's)" : ""))
        }
        if rootCert == Self.systemRoots, sslMode != "verify-full" {
            throw .badDatabaseURL("sslrootcert=system trusts every public CA: only with sslmode=verify-full, which checks the server's name too")
        }
        if let rootCert, rootCert != Self.systemRoots, !FileManager.default.isReadableFile(atPath: rootCert) {
            throw .badDatabaseURL("sslrootcert names \(rootCert), which is no file this process can read")
        }
        self.init(user: user.removingPercentEncoding ?? user,
                  password: components.password?.removingPercentEncoding,
                  host: host, port: components.port ?? 5432, socketDirectory: socket,
                  database: database, sslMode: sslMode, sslRootCert: rootCert)
    }

    /// What a query's value may hold unencoded (not `&`, `=`, `+`, `#`, `;`).
    static let queryValue = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#;"))

    /// An IPv4 or IPv6 address rather than a name.
    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), &v6) == 1
    }

    /// The TLS `sslMode` asks for (nil: none), as libpq means it.
    var tlsConfiguration: TLSConfiguration? {
        guard sslMode != "disable" else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = switch sslMode {
        case "verify-full": .fullVerification
        case "verify-ca": .noHostnameVerification
        case "require" where sslRootCert != nil: .noHostnameVerification
        default: .none
        }
        if let sslRootCert, sslRootCert != Self.systemRoots { tls.trustRoots = .file(sslRootCert) }
        return tls
    }

    /// Whether the connection must be encrypted (else only if the server offers it).
    var tlsRequired: Bool { ["require", "verify-ca", "verify-full"].contains(sslMode) }

    /// The same server, another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL as text, with the password hidden: safe for logs.
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        if let socketDirectory {
            return "postgres://\(credentials)@/\(database)?host=\(socketDirectory)"
        }
        return "postgres://\(credentials)@\(host ?? "localhost"):\(port)/\(database)"
    }

    /// The URL as text with the password: for child processes only.
    public var connectionString: String {
        let credentials = password.map { "\(user):\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" } ?? user
        if let socketDirectory {
            return "postgres://\(credentials)@/\(database)?host=\(socketDirectory)"
        }
        let rootCert = sslRootCert.map { "&sslrootcert=" + ($0.addingPercentEncoding(withAllowedCharacters: Self.queryValue) ?? $0) } ?? ""
        return "postgres://\(credentials)@\(host ?? "localhost"):\(port)/\(database)?sslmode=\(sslMode)" + rootCert
    }

    /// Where a human finds the server: host and port, or the socket folder.
    public var serverDescription: String {
        socketDirectory.map { "the socket in \($0)" } ?? "\(host ?? "localhost"):\(port)"
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)",
                                  username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS = if let tls = tlsConfiguration { tlsRequired ? .require(tls) : .prefer(tls) } else { .disable }
            configuration = .init(host: host ?? "localhost", port: port, username: user,
                                  password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    public func connectionConfiguration() throws(StoreError) -> PostgresConnection.Configuration {
        if let socketDirectory {
            return .init(unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)",
                         username: user, password: password, database: database)
        }
        let tls: PostgresConnection.Configuration.TLS
        do {
            if let configuration = tlsConfiguration {
                let context = try NIOSSLContext(configuration: configuration)
                tls = tlsRequired ? .require(context) : .prefer(context)
            } else {
                tls = .disable
            }
        } catch {
            throw .badDatabaseURL("TLS could not be set up for sslmode=\(sslMode)\(sslRootCert.map { " with the CA in \($0)" } ?? ""): \(error)")
        }
        return .init(host: host ?? "localhost", port: port, username: user, password: password,
                     database: database, tls: tls)
    }
}
