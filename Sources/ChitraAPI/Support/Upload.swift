import ChitraStore
import Foundation
import Hummingbird
import NIOCore

/// A request body that is a file (a register, the post office's confirmations): streamed to a
/// private temporary file (it holds personal data), at most `APIServer.maximumUpload` bytes, given
/// to `body` by path and removed after.
enum Upload {
    static func withFile<T>(of request: Request, _ body: (String) async throws -> T) async throws -> T {
        let path = NSTemporaryDirectory() + "chitra-upload-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try PrivateFile.create(path)
        var size = 0
        do {
            for try await chunk in request.body {
                size += chunk.readableBytes
                guard size <= APIServer.maximumUpload else {
                    throw APIError(.contentTooLarge, "The file is larger than \(APIServer.maximumUpload >> 20) MiB.")
                }
                try file.write(contentsOf: Data(buffer: chunk))
            }
            try file.close()
        } catch {
            try? file.close()
            throw error
        }
        return try await body(path)
    }
}
