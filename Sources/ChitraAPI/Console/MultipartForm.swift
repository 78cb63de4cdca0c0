import Foundation
import Hummingbird

/// An HTML form sent with a file (`multipart/form-data`, RFC 7578): its text fields and its one
/// file, from a body of at most `limit` bytes. Browsers send files no other way; the post office's
/// confirmation file comes to the console so.
struct MultipartForm: Sendable {
    var fields: [String: String] = [:]
    /// The file part: the name the browser gave it and its bytes.
    var file: (name: String, bytes: [UInt8])?

    struct Malformed: Error, CustomStringConvertible {
        var description: String { "The form could not be read; reload the page and send the file again." }
    }

    static func read(_ request: Request, limit: Int) async throws -> MultipartForm {
        guard let type = request.headers[.contentType], let boundary = boundary(of: type) else { throw Malformed() }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw ConsoleProblem.fileTooLarge(mib: limit >> 20)
        }
        return try MultipartForm(bytes: Array(buffer.readableBytesView), boundary: boundary)
    }

    /// The boundary of a `multipart/form-data` content type, or nil.
    static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            var value = String(part.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    init(bytes: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var start = Self.find(delimiter, in: bytes, from: 0) else { throw Malformed() }
        start += delimiter.count
        while true {
            // After a delimiter: "--" ends the body; otherwise CRLF, the part's headers, a blank line, its content.
            if bytes.count >= start + 2, bytes[start] == 45, bytes[start + 1] == 45 { return }
            guard bytes.count >= start + 2, Array(bytes[start..<start + 2]) == crlf else { throw Malformed() }
            let headersStart = start + 2
            guard let headersEnd = Self.find(crlf + crlf, in: bytes, from: headersStart) else { throw Malformed() }
            let headers = String(decoding: bytes[headersStart..<headersEnd], as: UTF8.self)
            let contentStart = headersEnd + 4
            guard let next = Self.find(crlf + delimiter, in: bytes, from: contentStart) else { throw Malformed() }
            let content = Array(bytes[contentStart..<next])
            let disposition = Self.disposition(headers)
            if let name = disposition["name"] {
                if let filename = disposition["filename"] {
                    if file == nil { file = (filename, content) }
                } else {
                    fields[name] = String(decoding: content, as: UTF8.self)
                }
            }
            start = next + 2 + delimiter.count
        }
    }

    subscript(_ name: String) -> String? {
        let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
        return value?.isEmpty == true ? nil : value
    }

    /// The parameters of a part's `Content-Disposition: form-data; name="…"; filename="…"`.
    static func disposition(_ headers: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for line in headers.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for item in line.dropFirst("content-disposition:".count).split(separator: ";").dropFirst() {
                let pair = item.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                var value = pair[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                parameters[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
            }
        }
        return parameters
    }

    /// Where `needle` first occurs in `bytes` at or after `from`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        let first = needle[0]
        var index = from
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == first {
                var matched = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }
}
