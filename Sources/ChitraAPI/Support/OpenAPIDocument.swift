import Foundation
import Hummingbird
import NIOCore

/// The API's OpenAPI 3.1 document, shipped as a resource and served as it is.
public enum OpenAPIDocument {
    public static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "Resources/openapi", withExtension: "json") else {
            throw APIError(.internalServerError, "The OpenAPI document is missing from this build.")
        }
        return try Data(contentsOf: url)
    }

    static func response() throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try data())))
    }
}
