import ArgumentParser
import ChitraStore
import Foundation

/// `chitra db provision`: Chitra's roles and database on a PostgreSQL server that Chitra does not
/// start itself (a Patroni cluster, `ops/ha`; a managed server), made as that server's superuser.
/// The roles' passwords are kept in a folder (made once, mode 0600) with a password file for them;
/// run again, it changes nothing but the passwords, if their files changed.
struct DBProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Make Chitra's roles and database on a PostgreSQL server as its superuser (CHITRA_SUPERUSER_DATABASE_URL or --database-url).",
        discussion: """
            The roles chitra_owner (migrations), chitra_api (chitra serve) and chitra_worker (workers) get the passwords in \
            FOLDER/owner.password, api.password and worker.password, made if missing (mode 0600); FOLDER/pgpass holds them \
            for PGPASSFILE. Then migrate as the owner: `chitra migrate`. The superuser is needed for this and for the \
            server's own settings only.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Where the roles' passwords are kept (made if missing).") var passwords: String
    @Option(help: "The database to make (letters, digits, underscores).") var name: String = "chitra"

    static let roles = [("chitra_owner", "owner.password"), ("chitra_api", "api.password"), ("chitra_worker", "worker.password")]

    func validate() throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw ValidationError("--name must be letters, digits and underscores, not '\(name)'.")
        }
    }

    func run() async throws {
        let superuser = try database.url(variable: "CHITRA_SUPERUSER_DATABASE_URL")
        let logger = database.logger()
        let folder = URL(fileURLWithPath: passwords, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var secrets: [String: String] = [:]
        for (role, file) in Self.roles {
            let path = folder + "/" + file
            if let kept = try? String(contentsOfFile: path, encoding: .utf8), !kept.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                secrets[role] = kept.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                secrets[role] = SecretText.random(length: 32)
                try PrivateFile.write(secrets[role]! + "\n", to: path)
            }
        }
        try await AdminStatement.ensureRoles(ownerPassword: secrets["chitra_owner"]!, apiPassword: secrets["chitra_api"]!,
                                             workerPassword: secrets["chitra_worker"]!, on: superuser, logger: logger)
        var owner = superuser
        owner.user = "chitra_owner"
        owner.password = secrets["chitra_owner"]
        try await AdminStatement.createDatabase(name, on: owner, logger: logger)
        let host = superuser.socketDirectory == nil ? (superuser.host ?? "localhost") : "localhost"
        let lines = Self.roles.map { role, _ in "\(host):\(superuser.port):\(name):\(role):\(secrets[role]!)" }
        try PrivateFile.write(lines.joined(separator: "\n") + "\n", to: folder + "/pgpass")
        func url(_ role: String) -> String {
            var url = superuser
            url.user = role
            url.password = nil
            url.database = name
            return url.connectionString
        }
        print("Chitra's roles and database \(name) are on \(superuser.serverDescription); migrate it next (chitra migrate).")
        print("export CHITRA_OWNER_DATABASE_URL='\(url("chitra_owner"))'")
        print("export DATABASE_URL='\(url("chitra_api"))'")
        print("export CHITRA_WORKER_DATABASE_URL='\(url("chitra_worker"))'")
        print("export PGPASSFILE='\(folder)/pgpass'")
    }
}
