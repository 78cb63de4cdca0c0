import Foundation
import PostgresNIO

/// A parsed `DATABASE_URL`: `postgres://user:password@host:port/database?sslmode=disable`,
/// or a Unix socket as `postgres://user@/database?host=/tmp/folder`.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var password: String?
    /// A host name or address; `nil` when `socketDirectory` is set.
    public var host: String?
    public var port: Int
    public var socketDirectory: String?
    public var database: String
    /// `disable`, `prefer` (the default, as libpq) or `require`.
    public var sslMode: String

    public init(user: String, password: String? = nil, host: String? = nil, port: Int = 5432,
                socketDirectory: String? = nil, database: String, sslMode: String = "disable") {
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
        self.init(user: user.removingPercentEncoding ?? user,
                  password: components.password?.removingPercentEncoding,
                  host: host, port: components.port ?? 5432, socketDirectory: socket,
                  database: database, sslMode: query["sslmode"] ?? "prefer")
    }

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
        return "postgres://\(credentials)@\(host ?? "localhost"):\(port)/\(database)?sslmode=\(sslMode)"
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
            let tls: PostgresClient.Configuration.TLS = switch sslMode {
            case "disable": .disable
            case "require", "verify-ca", "verify-full": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
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
            switch sslMode {
            case "disable": tls = .disable
            case "require", "verify-ca", "verify-full": tls = .require(try .init(configuration: .makeClientConfiguration()))
            default: tls = .prefer(try .init(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .badDatabaseURL("TLS could not be set up for sslmode=\(sslMode)")
        }
        return .init(host: host ?? "localhost", port: port, username: user, password: password,
                     database: database, tls: tls)
    }
}
