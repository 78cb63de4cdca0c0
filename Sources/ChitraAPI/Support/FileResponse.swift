import ChitraStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A CSV the store writes to a file (a list with names on it): written to a private temporary
/// file, then sent from it in 64 KiB pieces, so memory stays bounded whatever its size. The file
/// is unlinked as soon as it is open for sending: nothing of it stays on the server's disk. The
/// `Chitra-Count` header says how many rows it holds.
public enum FileResponse {
    /// How many rows the file holds.
    public static let countHeader = "Chitra-Count"

    /// `write` writes the rows and returns how many it wrote.
    static func csv(named filename: String, _ write: (FileHandle) async throws -> Int) async throws -> Response {
        let path = NSTemporaryDirectory() + "chitra-list-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try PrivateFile.create(path)
        let count: Int
        do {
            count = try await write(output)
            try output.close()
        } catch {
            try? output.close()
            throw error
        }
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path)
        let size = Int(try input.seekToEnd())
        try input.seek(toOffset: 0)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        headers[HTTPField.Name(countHeader)!] = "\(count)"
        let body = ResponseBody(contentLength: size) { writer in
            defer { try? input.close() }
            while let data = try input.read(upToCount: 64 * 1024), !data.isEmpty {
                try await writer.write(ByteBuffer(data: data))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}
