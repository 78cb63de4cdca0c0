import ChitraCore
import ChitraLocal
import ChitraStore
import Foundation
import Logging

/// What `chitra db start` sets up in a private cluster for development: database `chitra`,
/// migrated by the owner; a password file (mode 0600) for every role; an admin token, the workers'
/// service credential and `chitra serve`'s (for its metrics) in files (mode 0600); and the lines to export.
struct DevelopmentCluster {
    let cluster: LocalCluster
    static let database = "chitra"

    var passwordFilePath: String { cluster.folder + "/pgpass" }
    var adminTokenPath: String { cluster.folder + "/admin.token" }
    /// The workers' credential (the queue, and the units of the jobs they hold).
    var serviceCredentialPath: String { cluster.folder + "/service.credential" }
    /// `chitra serve`'s, for its metrics (every unit).
    var metricsCredentialPath: String { cluster.folder + "/serve.credential" }

    /// Creates, migrates and writes what is missing; returns whether it made the admin token.
    func prepare() async throws -> Bool {
        let logger = Logger(label: "chitra.db", factory: { _ in SwiftLogNoOpLogHandler() })
        try await AdminStatement.createDatabase(Self.database, on: cluster.ownerURL(), logger: logger)
        let lines = [cluster.superuserURL(database: "*")] + LocalCluster.LoginRole.allCases.map { cluster.url($0, database: Self.database) }
        try write(lines.map { "127.0.0.1:\($0.port):\($0.database):\($0.user):\($0.password ?? "")" }.joined(separator: "\n") + "\n",
                  to: passwordFilePath)
        return try await Database.withRunning(cluster.ownerURL(database: Self.database), scope: .owner, logger: logger) { database in
            try await Migrator(database: database).migrate()
            if !FileManager.default.fileExists(atPath: serviceCredentialPath) {
                let credential = try await ServiceCredentials.create(name: "development workers", reach: .jobs, database: database)
                try write(credential.secret + "\n", to: serviceCredentialPath)
            }
            if !FileManager.default.fileExists(atPath: metricsCredentialPath) {
                let credential = try await ServiceCredentials.create(name: "development serve", reach: .everyUnit, database: database)
                try write(credential.secret + "\n", to: metricsCredentialPath)
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
        print("# chitra serve connects as chitra_api (DATABASE_URL), workers as chitra_worker (CHITRA_WORKER_DATABASE_URL),")
        print("# migrations as the owner (not a superuser); the bootstrap superuser is for the cluster's settings and backups only.")
        print("export DATABASE_URL='\(shown(cluster.url(.api, database: Self.database)))'")
        print("export CHITRA_WORKER_DATABASE_URL='\(shown(cluster.url(.worker, database: Self.database)))'")
        print("export CHITRA_OWNER_DATABASE_URL='\(shown(cluster.ownerURL(database: Self.database)))'")
        print("export CHITRA_SUPERUSER_DATABASE_URL='\(shown(cluster.superuserURL(database: Self.database)))'")
        if !showPassword { print("export PGPASSFILE='\(passwordFilePath)'") }
        print("export CHITRA_TOKEN_FILE='\(adminTokenPath)'")
        print("export \(ServiceCredentials.environmentVariable)_FILE='\(serviceCredentialPath)'")
        print("# chitra serve --metrics-port reads every unit with its own credential: \(ServiceCredentials.environmentVariable)_FILE='\(metricsCredentialPath)'")
        print("# People's commands talk to the API: start `chitra serve` (it reads DATABASE_URL), then they reach it at")
        print("export CHITRA_URL='http://127.0.0.1:8080'")
    }
}
