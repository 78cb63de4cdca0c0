import ChitraCore
import ChitraStore
import Foundation
import Logging

/// What `chitra db start` sets up in a private cluster for development: database `chitra`,
/// migrated by the owner; a password file (mode 0600) for both roles; an admin token and the
/// workers' service credential in files (mode 0600); and the lines to export.
struct DevelopmentCluster {
    let cluster: LocalCluster
    static let database = "chitra"

    var passwordFilePath: String { cluster.folder + "/pgpass" }
    var adminTokenPath: String { cluster.folder + "/admin.token" }
    var serviceCredentialPath: String { cluster.folder + "/service.credential" }

    /// Creates, migrates and writes what is missing; returns whether it made the admin token.
    func prepare() async throws -> Bool {
        let logger = Logger(label: "chitra.db", factory: { _ in SwiftLogNoOpLogHandler() })
        try await AdminStatement.createDatabase(Self.database, on: cluster.url(), logger: logger)
        let lines = [cluster.url(database: Self.database), cluster.applicationURL(database: Self.database)].map {
            "127.0.0.1:\($0.port):\(Self.database):\($0.user):\($0.password ?? "")"
        }
        try write(lines.joined(separator: "\n") + "\n", to: passwordFilePath)
        return try await Database.withRunning(cluster.url(database: Self.database), logger: logger) { database in
            try await Migrator(database: database).migrate()
            if !FileManager.default.fileExists(atPath: serviceCredentialPath) {
                let credential = try await ServiceCredentials.create(name: "development workers", database: database)
                try write(credential.secret + "\n", to: serviceCredentialPath)
            }
            guard !FileManager.default.fileExists(atPath: adminTokenPath) else { return false }
            let (secret, _) = try await Tokens.create(TokenRequest(name: "Local admin", role: .admin, expiresInDays: 365),
                                                      by: .system("chitra db start", districts: []), database: database)
            try write(secret + "\n", to: adminTokenPath)
            return true
        }
    }

    private func write(_ text: String, to path: String) throws {
        try PrivateFile.write(text, to: path)
    }

    func printExports(showPassword: Bool) {
        func shown(_ url: DatabaseURL) -> String {
            var url = url
            if !showPassword { url.password = nil }
            return url.connectionString
        }
        print("export DATABASE_URL='\(shown(cluster.applicationURL(database: Self.database)))'")
        print("export CHITRA_OWNER_DATABASE_URL='\(shown(cluster.url(database: Self.database)))'")
        if !showPassword { print("export PGPASSFILE='\(passwordFilePath)'") }
        print("export CHITRA_TOKEN_FILE='\(adminTokenPath)'")
        print("export \(ServiceCredentials.environmentVariable)_FILE='\(serviceCredentialPath)'")
        print("# People's commands talk to the API: start `chitra serve` (it reads DATABASE_URL), then they reach it at")
        print("export CHITRA_URL='http://127.0.0.1:8080'")
    }
}
