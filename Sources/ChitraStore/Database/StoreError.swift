import Foundation
import PostgresNIO

/// Everything the storage layer can report, each as one plain sentence for the operator.
/// No personal data and no SQL text ever appears in `description`.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case badDatabaseURL(String)
    case unreachable(server: String, reason: String)
    case authenticationFailed(user: String, server: String)
    case databaseMissing(name: String, server: String)
    case serverBinariesMissing(searched: [String])
    case clusterFailed(String)
    case migrationFolderMissing(path: String)
    case migrationInvalid(file: String, reason: String)
    case migrationFailed(version: Int, name: String, reason: String)
    case migrationsMissing(applied: Int, known: Int)
    case jobNotFound(id: Int64)
    case jobNotInState(id: Int64, state: String, wanted: String)
    case invalidJob(String)
    case leaseLost(jobID: Int64)
    case query(sqlState: String?, message: String, context: String)
    case connectionClosed

    public var description: String {
        switch self {
        case .badDatabaseURL(let why):
            "DATABASE_URL is not a valid PostgreSQL URL: \(why)."
        case .unreachable(let server, let reason):
            "Cannot reach PostgreSQL at \(server): \(reason)."
        case .authenticationFailed(let user, let server):
            "PostgreSQL at \(server) refused user \(user): wrong password or no access."
        case .databaseMissing(let name, let server):
            "Database \(name) does not exist on \(server); create it or fix DATABASE_URL."
        case .serverBinariesMissing(let searched):
            "No PostgreSQL server binaries found (looked on PATH and in \(searched.joined(separator: ", "))); install them with: apt-get install postgresql."
        case .clusterFailed(let why):
            "The private PostgreSQL cluster could not start: \(why)."
        case .migrationFolderMissing(let path):
            "The migration folder \(path) does not exist or holds no .sql files."
        case .migrationInvalid(let file, let reason):
            "Migration file \(file) is not usable: \(reason)."
        case .migrationFailed(let version, let name, let reason):
            "Migration \(version) (\(name)) failed and was rolled back: \(reason.hasSuffix(".") ? String(reason.dropLast()) : reason)."
        case .migrationsMissing(let applied, let known):
            "The database schema is behind (\(applied) of \(known) migrations applied); run `chitra migrate` first."
        case .jobNotFound(let id):
            "There is no job \(id)."
        case .jobNotInState(let id, let state, let wanted):
            "Job \(id) is \(state); only a job that is \(wanted) can be changed this way."
        case .invalidJob(let why):
            "The job cannot be enqueued: \(why)."
        case .leaseLost(let jobID):
            "Job \(jobID) is no longer held by this worker (its lease expired and it was rescued)."
        case .connectionClosed:
            "PostgreSQL closed the connection (the server restarted or ended the session); what was under way in it was rolled back."
        case .query(let sqlState, let message, let context):
            "The database refused to \(context): \(message)\(sqlState.map { " (SQLSTATE \($0))" } ?? "")."
        }
    }
}

extension StoreError {
    /// Maps whatever PostgresNIO threw while doing `context` into a `StoreError`: the one place
    /// where driver errors and SQLSTATE codes are interpreted.
    public static func from(_ error: any Error, context: String, url: DatabaseURL? = nil) -> StoreError {
        if let error = error as? StoreError { return error }
        let server = url?.serverDescription ?? "the database"
        guard let psql = error as? PSQLError else {
            return .query(sqlState: nil, message: String(describing: error), context: context)
        }
        if let info = psql.serverInfo {
            let state = info[.sqlState]
            let message = info[.message] ?? "unknown error"
            switch state {
            case "28P01", "28000":
                return .authenticationFailed(user: url?.user ?? "?", server: server)
            case "3D000":
                return .databaseMissing(name: url?.database ?? "?", server: server)
            default:
                return .query(sqlState: state, message: message, context: context)
            }
        }
        switch psql.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            return .unreachable(server: server, reason: plainReason(psql.underlying))
        case .authMechanismRequiresPassword:
            return .authenticationFailed(user: url?.user ?? "?", server: server)
        default:
            return .query(sqlState: nil, message: psql.code.description, context: context)
        }
    }

    /// A driver's connection failure in plain words.
    static func plainReason(_ underlying: (any Error)?) -> String {
        guard let underlying else { return "the connection was closed" }
        let text = String(describing: underlying)
        if text.contains("Connection refused") { return "connection refused (is the server running and the port right?)" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("timed out") {
            return "no answer in time"
        }
        if text.contains("No such file") { return "no server socket there (is the server running?)" }
        if text.localizedCaseInsensitiveContains("resolve") || text.contains("nodename") { return "the host name does not resolve" }
        if text.contains("reset") { return "the connection was reset" }
        return "the connection failed"
    }
}

/// The SQLSTATEs Chitra tells apart, by name: matched here and nowhere as bare strings.
enum SQLState {
    static let uniqueViolation = "23505"
    static let queryCanceled = "57014"
    static let undefinedTable = "42P01"
    static let duplicateDatabase = "42P04"
    static let insufficientPrivilege = "42501"
}

extension StoreError {
    /// The statement ran past its timeout (or was cancelled): nothing of it was kept.
    public var isStatementTimeout: Bool {
        if case .query(SQLState.queryCanceled, _, _) = self { true } else { false }
    }

    /// A row with the same key is there already.
    public var isDuplicate: Bool {
        if case .query(SQLState.uniqueViolation, _, _) = self { true } else { false }
    }
}

extension PSQLError {
    /// The server's SQLSTATE, if the server answered.
    var sqlState: String? { serverInfo?[.sqlState] }
}
