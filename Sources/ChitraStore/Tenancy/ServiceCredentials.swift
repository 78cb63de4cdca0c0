import ChitraCore
import Foundation
import PostgresNIO

/// The secrets of services — a worker, `chitra serve`'s metrics — that the database verifies as
/// it verifies people's tokens (migration 24): made by the owner of the tables, shown once, stored
/// as their SHA-256. It lives on the servers only, and is made for one reach (migration 28): a
/// worker's reaches the queue, and through the leases of the jobs it claims those jobs' units only;
/// `chitra serve`'s metrics' (or tooling's) reaches every unit.
public enum ServiceCredentials {
    public enum Reach: String, Sendable, CaseIterable {
        /// The queue, and the unit of each job it holds (a worker's).
        case jobs
        /// Every unit and the rows of none (the API's metrics, tooling run by the servers' operators).
        case everyUnit = "every_unit"
    }

    /// Service secrets look like `chitrasvc_` and 40 letters and digits (never a person's token).
    public static let prefix = "chitrasvc_"

    /// The environment variable a server process reads its credential from.
    public static let environmentVariable = "CHITRA_SERVICE_CREDENTIAL"

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case badName
        case notService
        case unreadable(String)

        public var description: String {
            switch self {
            case .badName: "A service credential needs a name of 1 to 100 characters, e.g. worker-1."
            case .notService: "A service credential starts with \(ServiceCredentials.prefix); this is not one."
            case .unreadable(let path): "Cannot read the service credential in \(path)."
            }
        }
    }

    /// Makes a credential named `name` (a second one of the same name replaces the first); returns
    /// its secret. `database` is the owner's.
    public static func create(name: String, reach: Reach, database: Database) async throws -> Credential {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw Failure.badName }
        let credential = Credential(prefix + SecretText.random(length: 40))
        try await record(credential, name: name, reach: reach, database: database)
        return credential
    }

    /// Records `credential` (made by the caller) under `name`: a test harness's, whose secret every
    /// test database copied from its template shares. `database` is the owner's.
    public static func record(_ credential: Credential, name: String, reach: Reach, database: Database) async throws {
        try await database.query(ServiceCredentialSQL.upsert(name: name, hash: SecretText.sha256(credential.secret), reach: reach),
                                 "record service credential \(name)")
    }

    /// The credential a server process was given: `CHITRA_SERVICE_CREDENTIAL`, or the file named by
    /// `CHITRA_SERVICE_CREDENTIAL_FILE`; nil when neither is set.
    public static func fromEnvironment(_ environment: [String: String]) throws -> String? {
        if let secret = environment[environmentVariable], !secret.isEmpty { return secret }
        guard let path = environment[environmentVariable + "_FILE"], !path.isEmpty else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure.unreadable(path) }
        return text
    }

    /// The credential in `text` (a secret given by the environment), checked for its form.
    public static func parse(_ text: String) throws -> Credential {
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard secret.hasPrefix(prefix), secret.count <= 100 else { throw Failure.notService }
        return Credential(secret)
    }
}

/// The statements on `service_credentials`.
enum ServiceCredentialSQL {
    static func upsert(name: String, hash: [UInt8], reach: ServiceCredentials.Reach) -> PostgresQuery {
        """
        INSERT INTO service_credentials (name, secret_hash, reach) VALUES (\(name), \(ByteBuffer(bytes: hash)), \(reach.rawValue))
        ON CONFLICT (name) DO UPDATE SET secret_hash = excluded.secret_hash, reach = excluded.reach, created_at = now(), revoked_at = NULL
        """
    }
}
