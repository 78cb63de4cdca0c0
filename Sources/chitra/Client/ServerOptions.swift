import ArgumentParser
import Foundation

/// How a person's command reaches Chitra: the server's address (`--url`, else `CHITRA_URL`, else
/// `http://127.0.0.1:8080`) and the person's token (`CHITRA_TOKEN`, `--token-file` or
/// `CHITRA_TOKEN_FILE`). People hold a token, never the database's credentials: these commands
/// talk to `chitra serve` over HTTP, as `gh` or `kubectl` talk to theirs.
struct ServerOptions: ParsableArguments {
    static let defaultURL = "http://127.0.0.1:8080"

    @Option(name: .customLong("url"), help: "Chitra's server (default: the CHITRA_URL environment variable, else \(ServerOptions.defaultURL)).")
    var url: String?

    @Option(name: .customLong("token-file"), help: "A file holding your token (default: the CHITRA_TOKEN environment variable, then the file named by CHITRA_TOKEN_FILE).")
    var tokenFile: String?

    func validate() throws { _ = try base() }

    /// The server's address without a trailing slash.
    func base() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        var text = url ?? environment["CHITRA_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultURL
        while text.hasSuffix("/") { text.removeLast() }
        guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil,
              parsed.query == nil else {
            throw ValidationError("Chitra's address must be written like http://127.0.0.1:8080 (got \(text)).")
        }
        return text
    }

    /// The caller's token: `CHITRA_TOKEN`, else the file of `--token-file` or `CHITRA_TOKEN_FILE`.
    func token() throws -> String { try Self.token(file: tokenFile) }

    /// The token of `CHITRA_TOKEN`, else of the file `file` or `CHITRA_TOKEN_FILE` names ("" when none).
    static func token(file tokenFile: String?) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if tokenFile == nil, let token = environment["CHITRA_TOKEN"], !token.isEmpty { return token }
        guard let path = tokenFile ?? environment["CHITRA_TOKEN_FILE"], !path.isEmpty else { return "" }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("The token file \(path) cannot be read.")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func client() throws -> ChitraClient { ChitraClient(base: try base(), token: try token()) }
}
