import Foundation
import Hummingbird

/// An HTML form's fields (`application/x-www-form-urlencoded`), from a body of at most 16 KiB.
struct FormBody: Sendable {
    var fields: [String: String]

    static let maximum = 16 * 1024

    static func read(_ request: Request) async throws -> FormBody {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maximum)
        } catch {
            throw ConsoleProblem.formTooLarge(kib: maximum / 1024)
        }
        return FormBody(String(buffer: buffer))
    }

    init(_ text: String) {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        self.fields = fields
    }

    subscript(_ name: String) -> String? {
        let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
        return value?.isEmpty == true ? nil : value
    }
}
