import ArgumentParser
import Foundation

/// What the server refused, as one sentence: its own message. Access refusals leave with the exit
/// codes people's scripts know: another unit (or none), 4; an action the role may not do, 5; no
/// token, or an unknown, expired or revoked one, 6. Anything else is 1.
struct ClientFailure: Error, CustomStringConvertible {
    var status: Int
    var message: String

    var description: String { message }

    /// The exit code of a refusal by status.
    var exitCode: Int32? {
        switch status {
        case 404: 4
        case 403: 5
        case 401: 6
        default: nil
        }
    }

    /// Prints an access refusal and leaves with its code; any other failure is thrown on.
    @discardableResult
    static func exiting<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as ClientFailure {
            guard let code = failure.exitCode else { throw failure }
            FileHandle.standardError.write(Data("Error: \(failure.message)\n".utf8))
            throw ExitCode(code)
        }
    }
}

/// A local file a command cannot read or write: one sentence naming it, exit 1 (not a usage error).
struct FileFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
