import Foundation
import Hummingbird
import NIOCore

/// Request bodies: JSON objects of known fields only (an unknown field is a 400 naming it, not
/// silently ignored), of at most `limit` bytes (`APIServer.maximumBody` unless a route says more),
/// decoded into `T` with each wrong type named.
enum StrictJSON {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, fields: Set<String>,
                                     limit: Int = APIServer.maximumBody) async throws -> T {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "The request body is larger than \(limit / 1024) KiB.")
        }
        let data = Data(buffer: body)
        guard let object = try? JSONSerialization.jsonObject(with: data.isEmpty ? Data("{}".utf8) : data) as? [String: Any] else {
            throw APIError.badRequest("The request body is not a JSON object.")
        }
        if let unknown = Set(object.keys).subtracting(fields).sorted().first {
            throw APIError.badRequest("Unknown field \"\(unknown)\"; the fields are \(fields.sorted().joined(separator: ", ")).")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw APIError.badRequest("Field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type.")
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.badRequest("Field \"\(key.stringValue)\" is missing.")
        } catch {
            throw APIError.badRequest("The request body could not be read as this request's JSON.")
        }
    }
}
