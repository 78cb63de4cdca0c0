import ArgumentParser
import AsyncHTTPClient
import ChitraStore
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOPosix

/// Chitra's HTTP API as the command line uses it: JSON in and out, files streamed up and down (a
/// register or a list of any size in bounded memory), every refusal the server's one sentence
/// (`ClientFailure`). The caller's token goes with every request; nothing here knows the database.
struct ChitraClient: Sendable {
    /// `http://host:port`, no trailing slash.
    let base: String
    let token: String

    /// A request waits this long for its answer: an import of a province's register takes minutes.
    static let timeout: TimeAmount = .minutes(30)

    // MARK: JSON

    func get<T: Decodable>(_ path: String, query: [(String, String?)] = [], as type: T.Type = T.self) async throws -> T {
        try decode(T.self, from: try await send(request(.GET, path, query: query)))
    }

    func post<T: Decodable>(_ path: String, query: [(String, String?)] = [], json body: some Encodable, as type: T.Type = T.self) async throws -> T {
        try await send(.POST, path, query: query, json: body, as: T.self)
    }

    func put<T: Decodable>(_ path: String, json body: some Encodable, as type: T.Type = T.self) async throws -> T {
        try await send(.PUT, path, json: body, as: T.self)
    }

    private func send<T: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], json body: some Encodable,
                                    as type: T.Type) async throws -> T {
        var request = try request(method, path, query: query)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        return try decode(T.self, from: try await send(request))
    }

    func delete<T: Decodable>(_ path: String, as type: T.Type = T.self) async throws -> T {
        try decode(T.self, from: try await send(request(.DELETE, path)))
    }

    // MARK: Files

    /// Sends the file at `path` as the body of a POST, in pieces, saying after each how many bytes
    /// went; the file must not change meanwhile (its size is announced first).
    /// `label` names the file in a sentence ("The confirmation file … does not exist.").
    func upload<T: Decodable>(_ path: String, label: String, query: [(String, String?)] = [], file: String, as type: T.Type = T.self,
                              progress: @escaping @Sendable (Int64) -> Void = { _ in }) async throws -> T {
        guard FileManager.default.fileExists(atPath: file) else { throw FileFailure("The \(label) \(file) does not exist.") }
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        } catch {
            throw FileFailure("The \(label) \(file) cannot be read.")
        }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        var request = try request(.POST, path, query: query)
        request.headers.add(name: "Content-Type", value: "text/csv")
        request.body = .stream(FileChunks(handle: handle, path: file, size: size, progress: progress), length: .known(Int64(size)))
        return try decode(T.self, from: try await send(request))
    }

    /// GETs `path` and writes its body as it arrives to the file `out` (readable by its owner
    /// alone: lists hold names), or to the standard output; returns the answer's headers. The file
    /// is made only once the server has said yes, and removed if the answer is cut off: nothing
    /// half-written stays.
    @discardableResult
    func download(_ path: String, query: [(String, String?)] = [], to out: String?) async throws -> HTTPHeaders {
        let response = try await execute(try request(.GET, path, query: query))
        guard (200..<300).contains(response.status.code) else { throw try await failure(response) }
        let output = try out.map { try PrivateFile.create($0) } ?? FileHandle.standardOutput
        do {
            for try await piece in response.body {
                try output.write(contentsOf: Data(buffer: piece))
            }
            if out != nil { try output.close() }
        } catch {
            if let out {
                try? output.close()
                if FileManager.default.isRegularFile(out) { try? FileManager.default.removeItem(atPath: out) }
            }
            // A reader that stopped reading (`| head`) ends the command quietly, as a pipe does.
            if ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(EPIPE) { throw ExitCode.success }
            if error is HTTPClientError || error is NIOConnectionError || error is IOError {
                throw ClientFailure(status: 0, message: "Chitra's answer from \(base) was cut off\(out.map { "; \($0) was removed" } ?? ""). Try again.")
            }
            throw FileFailure("Cannot write what Chitra sent\(out.map { " to \($0)" } ?? ""): \(error.localizedDescription).")
        }
        return response.headers
    }

    // MARK: Plumbing

    private func request(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = []) throws -> HTTPClientRequest {
        var components = URLComponents(string: base + "/api/v1" + path)!
        let items = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        if !items.isEmpty { components.queryItems = items }
        // `+` means a space in a query string: escape it as the API reads it.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.string else { throw ValidationError("Cannot make an address of \(path).") }
        var request = HTTPClientRequest(url: url)
        request.method = method
        if !token.isEmpty { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Accept", value: "application/json")
        return request
    }

    private func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await HTTPClient.shared.execute(request, timeout: Self.timeout)
        } catch let error as HTTPClientError where error == .connectTimeout || error == .remoteConnectionClosed || error == .deadlineExceeded {
            throw ClientFailure(status: 0, message: "Chitra's server at \(base) did not answer (\(error.shortDescription)); try again, or ask who runs it.")
        } catch is NIOConnectionError {
            throw unreachable
        } catch let error as IOError where error.errnoCode == ECONNREFUSED {
            throw unreachable
        }
    }

    private var unreachable: ClientFailure {
        ClientFailure(status: 0, message: "Chitra's server at \(base) cannot be reached: start `chitra serve`, or set CHITRA_URL to where it runs.")
    }

    /// The body of a successful answer, at most 256 MiB.
    private func send(_ request: HTTPClientRequest) async throws -> ByteBuffer {
        let response = try await execute(request)
        guard (200..<300).contains(response.status.code) else { throw try await failure(response) }
        return try await response.body.collect(upTo: 256 << 20)
    }

    private func failure(_ response: HTTPClientResponse) async throws -> ClientFailure {
        let body = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
        struct Answer: Decodable { var error: String }
        let message = (try? JSONDecoder().decode(Answer.self, from: body))?.error
            ?? "Chitra's server answered \(response.status.code) \(response.status.reasonPhrase)."
        return ClientFailure(status: Int(response.status.code), message: message)
    }

    private func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: body)
        } catch {
            throw ClientFailure(status: 0, message: "Chitra's server answered in a form this command does not read (\(T.self)): "
                                + "is the server of another version than this command?")
        }
    }
}

private extension HTTPClientError {
    var shortDescription: String {
        switch self {
        case .connectTimeout: "no connection in time"
        case .deadlineExceeded: "no answer in time"
        default: "the connection closed"
        }
    }
}

private extension FileManager {
    func isRegularFile(_ path: String) -> Bool {
        (try? attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeRegular
    }
}
