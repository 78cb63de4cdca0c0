import ChitraAPI
import ChitraStore
import ChitraTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The OpenAPI document is the server's contract: whatever the document allows, the server must
/// not refuse as malformed (400). Positive data is generated from the document alone — every enum
/// value, an integer's bounds, the least and the greatest string a pattern allows, each optional
/// parameter and property on its own — and sent to the server; a 400 means the document is missing
/// a pattern, an enum, a bound or a required field the server enforces. (Refusals for what the data
/// means — an unknown unit, a month not paid, a state that does not allow it — are 404, 409 and 422.)
@Suite("The OpenAPI document as the server's contract", .machine(limit: .minutes(4)))
struct OpenAPIContractTests {
    typealias Object = [String: Any]

    @Test("the least and greatest strings of every pattern the document declares match it", arguments: [
        "^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])$", "^([0-9]{3}|[0-9]{5})$", "^([0-9]{3}|[0-9]{5})(,([0-9]{3}|[0-9]{5}))*$", "^[A-Z0-9]{4}$",
        "^[0-9]{6,19}$",
    ])
    func patternExamples(pattern: String) throws {
        let regex = try NSRegularExpression(pattern: pattern)
        for value in [PatternExample.least(pattern), PatternExample.greatest(pattern)] {
            let range = NSRange(value.startIndex..., in: value)
            #expect(regex.firstMatch(in: value, range: range) != nil, "\(value) does not match \(pattern)")
        }
        let month = "^(19[0-9]{2}|[2-9][0-9]{3})-(0[1-9]|1[0-2])$"
        #expect(PatternExample.least(month) == "1900-01" && PatternExample.greatest(month) == "9999-12")
    }

    @Test("positive data generated from the document for every operation is never refused as malformed")
    func positiveDataAccepted() async throws {
        let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.data()) as? Object)
        let requests = try Self.requests(document)
        #expect(requests.count > 100, "only \(requests.count) requests generated")
        try await APITests.withAPI { client, url in
            var tokens: [String] = []
            for person in [TestPerson.admin, .financeBinh, .operatorAn, .province] {
                tokens.append(try await TestTokens.shared.token(for: person, url: url))
            }
            var refused: [String] = []
            var answeredBy: [String: Set<Int>] = [:]
            for (index, request) in requests.enumerated() {
                var last = (status: 0, text: "")
                // A revocation may take the very token it is sent with (token 1 is the first admin's):
                // each is sent by an admin of its own.
                let askers = request.method == .delete
                    ? [try await TestTokens.shared.token(for: TestPerson("Quản trị \(index)", .admin), url: url)] : tokens
                for token in askers {
                    last = try await APITests.send(client, request.method, request.path, token: token, body: request.body)
                    if last.status != 403 { break }
                }
                answeredBy[request.operation, default: []].insert(last.status)
                if last.status == 400 || last.status == 401 || last.status >= 500 {
                    refused.append("\(request.method) \(request.path) \(request.body ?? "") → \(last.status) \(last.text)")
                }
            }
            #expect(refused.isEmpty, "\(refused.count) refused:\n\(refused.prefix(20).joined(separator: "\n"))")
            // Every operation was reached by someone allowed to use it.
            let forbiddenOnly = answeredBy.filter { $0.value == [403] }.keys.sorted()
            #expect(forbiddenOnly.isEmpty, "answered only 403: \(forbiddenOnly)")
        }
    }

    struct GeneratedRequest {
        var operation: String
        var method: HTTPRequest.Method
        var path: String
        var body: String?
    }

    /// For each operation: its required parameters and properties with their plainest values, then
    /// every other value of each, and each optional one on its own with each of its values.
    /// Operations that delete come last (a token revoked is one fewer to ask with).
    static func requests(_ document: Object) throws -> [GeneratedRequest] {
        var generated: [GeneratedRequest] = []
        let paths = try #require(document["paths"] as? [String: Object])
        for (template, item) in paths.sorted(by: { $0.key < $1.key }) {
            for (name, value) in item.sorted(by: { $0.key < $1.key }) {
                guard let operation = value as? Object, let method = HTTPRequest.Method(rawValue: name.uppercased()) else { continue }
                let label = "\(method) \(template)"
                let parameters = (operation["parameters"] as? [Object] ?? []).map { resolve($0, document) }
                var path: [(String, [String])] = [], required: [(String, [String])] = [], optional: [(String, [String])] = []
                for parameter in parameters {
                    guard let key = parameter["name"] as? String, let schema = parameter["schema"] as? Object else { continue }
                    let values = Self.values(schema, document).map(text)
                    switch (parameter["in"] as? String, parameter["required"] as? Bool ?? false) {
                    case ("path", _): path.append((key, values))
                    case ("query", true): required.append((key, values))
                    case ("query", false): optional.append((key, values))
                    default: break
                    }
                }
                var bodySchema: Object?
                if let body = operation["requestBody"] as? Object, let content = body["content"] as? Object {
                    guard let json = content["application/json"] as? Object else { continue }  // files: checked by what they hold (422)
                    bodySchema = json["schema"].flatMap { $0 as? Object }.map { resolve($0, document) }
                }
                func make(path pathValues: [String: String], query: [(String, String)], body: Object?) -> GeneratedRequest {
                    var filled = template
                    for (key, value) in pathValues { filled = filled.replacingOccurrences(of: "{\(key)}", with: value) }
                    if !query.isEmpty {
                        filled += "?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }
                            .joined(separator: "&")
                    }
                    let text = body.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }.map { String(decoding: $0, as: UTF8.self) }
                    return GeneratedRequest(operation: label, method: method, path: filled, body: text)
                }
                let basePath = Dictionary(uniqueKeysWithValues: path.map { ($0.0, $0.1[0]) })
                let baseQuery = required.map { ($0.0, $0.1[0]) }
                let bodies = bodySchema.map { bodyVariants($0, document) } ?? [nil]
                var variants: [GeneratedRequest] = []
                for body in bodies { variants.append(make(path: basePath, query: baseQuery, body: body)) }
                let baseBody = bodies[0]
                for (key, values) in path { for value in values.dropFirst() { variants.append(make(path: basePath.merging([key: value]) { $1 }, query: baseQuery, body: baseBody)) } }
                for (index, (key, values)) in required.enumerated() {
                    for value in values.dropFirst() {
                        var query = baseQuery
                        query[index] = (key, value)
                        variants.append(make(path: basePath, query: query, body: baseBody))
                    }
                }
                for (key, values) in optional { for value in values { variants.append(make(path: basePath, query: baseQuery + [(key, value)], body: baseBody)) } }
                generated += variants
            }
        }
        return generated.filter { $0.method != .delete } + generated.filter { $0.method == .delete }
    }

    /// An object's bodies: its required properties with their plainest values; then every other
    /// value of each; then each optional property on its own with each of its values.
    static func bodyVariants(_ schema: Object, _ document: Object) -> [Object?] {
        guard (schema["type"] as? String) == "object", let properties = schema["properties"] as? [String: Object] else {
            return [Self.values(schema, document).first as? Object]
        }
        let required = Set(schema["required"] as? [String] ?? [])
        let valued = properties.sorted { $0.key < $1.key }.map { ($0.key, Self.values(resolve($0.value, document), document)) }
        var base: Object = [:]
        for (key, values) in valued where required.contains(key) { base[key] = values.first }
        var bodies: [Object?] = [base]
        for (key, values) in valued {
            for value in required.contains(key) ? Array(values.dropFirst()) : values {
                var body = base
                body[key] = value
                bodies.append(body)
            }
        }
        return bodies
    }

    /// Values a schema allows, the plainest first: every enum value; an integer's default and
    /// bounds; a pattern's least and greatest strings (or its examples); a date; both booleans; an
    /// array of one item; an object of its required properties.
    static func values(_ schema: Object, _ document: Object) -> [Any] {
        let schema = resolve(schema, document)
        if let options = schema["enum"] as? [Any] { return options.filter { !($0 is NSNull) } }
        let types = (schema["type"] as? [String]) ?? [(schema["type"] as? String) ?? "string"]
        switch types.first(where: { $0 != "null" }) ?? "string" {
        case "integer", "number":
            let low = (schema["minimum"] as? Int) ?? 1, high = (schema["maximum"] as? Int) ?? max(low, 1) + 41
            return unique(([schema["default"] as? Int].compactMap { $0 } + [low, high]).map { $0 as Any })
        case "boolean":
            return [true, false]
        case "array":
            let item = Self.values((schema["items"] as? Object) ?? [:], document).first ?? "x"
            return [[item]]
        case "object":
            var object: Object = [:]
            let properties = schema["properties"] as? [String: Object] ?? [:]
            for key in schema["required"] as? [String] ?? [] { object[key] = properties[key].flatMap { Self.values($0, document).first } ?? "x" }
            return [object]
        default:
            if let examples = schema["examples"] as? [Any], !examples.isEmpty { return examples }
            if let pattern = schema["pattern"] as? String { return unique([PatternExample.least(pattern), PatternExample.greatest(pattern)]) }
            if (schema["format"] as? String) == "date" { return ["2026-07-01"] }
            return [String(repeating: "x", count: max((schema["minLength"] as? Int) ?? 1, 1))]
        }
    }

    static func resolve(_ schema: Object, _ document: Object) -> Object {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/") else { return schema }
        var node: Any = document
        for part in reference.dropFirst(2).split(separator: "/") { node = (node as? Object)?[String(part)] ?? [:] }
        return resolve(node as? Object ?? [:], document)
    }

    static func text(_ value: Any) -> String {
        switch value {
        case let flag as Bool: flag ? "true" : "false"
        default: "\(value)"
        }
    }

    static func unique(_ values: [Any]) -> [Any] {
        var seen: Set<String> = [], kept: [Any] = []
        for value in values where seen.insert(text(value)).inserted { kept.append(value) }
        return kept
    }
}

/// The least and the greatest string a pattern allows, for the patterns an API document writes:
/// anchors, literals, character classes with ranges, groups with alternatives, and the
/// quantifiers `{n}`, `{m,n}`, `?`, `*` and `+` (least: fewest repetitions, first alternative,
/// lowest character; greatest: most repetitions — one for `*` and `+` —, last alternative, highest character).
enum PatternExample {
    static func least(_ pattern: String) -> String { generate(pattern, greatest: false) }
    static func greatest(_ pattern: String) -> String { generate(pattern, greatest: true) }

    static func generate(_ pattern: String, greatest: Bool) -> String {
        var characters = Array(pattern)
        if characters.first == "^" { characters.removeFirst() }
        if characters.last == "$" { characters.removeLast() }
        var index = 0
        return alternatives(characters, &index, greatest)
    }

    private static func alternatives(_ p: [Character], _ i: inout Int, _ greatest: Bool) -> String {
        var options: [String] = [sequence(p, &i, greatest)]
        while i < p.count, p[i] == "|" {
            i += 1
            options.append(sequence(p, &i, greatest))
        }
        return greatest ? options.last! : options.first!
    }

    private static func sequence(_ p: [Character], _ i: inout Int, _ greatest: Bool) -> String {
        var result = ""
        while i < p.count, p[i] != "|", p[i] != ")" {
            var atom: String
            switch p[i] {
            case "(":
                i += 1
                atom = alternatives(p, &i, greatest)
                i += 1  // ")"
            case "[":
                i += 1
                var lowest: Character = "\u{10FFFF}", highest: Character = "\0"
                while p[i] != "]" {
                    var low = p[i]
                    if low == "\\" { i += 1; low = p[i] }
                    var high = low
                    if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" { high = p[i + 2]; i += 2 }
                    lowest = min(lowest, low)
                    highest = max(highest, high)
                    i += 1
                }
                i += 1
                atom = String(greatest ? highest : lowest)
            case "\\":
                atom = String(p[i + 1])
                i += 2
            default:
                atom = String(p[i])
                i += 1
            }
            var (fewest, most) = (1, 1)
            if i < p.count {
                switch p[i] {
                case "?": (fewest, most) = (0, 1); i += 1
                case "*": (fewest, most) = (0, 1); i += 1
                case "+": (fewest, most) = (1, 2); i += 1
                case "{":
                    let close = p[i...].firstIndex(of: "}")!
                    let bounds = String(p[(i + 1)..<close]).split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
                    fewest = bounds[0] ?? 0
                    most = bounds.count > 1 ? (bounds[1] ?? fewest + 1) : fewest
                    i = close + 1
                default: break
                }
            }
            result += String(repeating: atom, count: greatest ? most : fewest)
        }
        return result
    }
}
