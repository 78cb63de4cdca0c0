import Foundation

/// Splits a SQL script into statements at top-level semicolons, respecting quoted strings,
/// quoted identifiers, dollar-quoted bodies and comments. PostgresNIO speaks only the extended
/// protocol, which takes one statement at a time.
enum SQLScript {
    static func statements(_ script: String) -> [String] {
        let characters = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty, !isOnlyComments(text) { statements.append(text) }
            current = String.UnicodeScalarView()
        }
        while index < characters.count {
            let character = characters[index]
            let next: Unicode.Scalar? = index + 1 < characters.count ? characters[index + 1] : nil
            switch character {
            case "'", "\"":
                let end = closing(of: character, in: characters, from: index + 1)
                current.append(contentsOf: characters[index..<end])
                index = end
            case "-" where next == "-":
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                current.append(contentsOf: characters[index..<end])
                index = end
            case "/" where next == "*":
                var end = index + 2
                while end + 1 < characters.count, !(characters[end] == "*" && characters[end + 1] == "/") { end += 1 }
                end = min(end + 2, characters.count)
                current.append(contentsOf: characters[index..<end])
                index = end
            case "$":
                if let tagEnd = dollarTagEnd(characters, from: index) {
                    let tag = Array(characters[index...tagEnd])
                    var end = tagEnd + 1
                    while end < characters.count, !characters[end...].starts(with: tag) { end += 1 }
                    end = min(end + tag.count, characters.count)
                    current.append(contentsOf: characters[index..<end])
                    index = end
                } else {
                    current.append(character)
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(character)
                index += 1
            }
        }
        flush()
        return statements
    }

    /// The index after the closing quote; a doubled quote is an escaped one.
    private static func closing(of quote: Unicode.Scalar, in characters: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index < characters.count {
            if characters[index] == quote {
                if index + 1 < characters.count, characters[index + 1] == quote { index += 2; continue }
                return index + 1
            }
            index += 1
        }
        return characters.count
    }

    /// For `$tag$` or `$$` starting at `start`, the index of the tag's closing `$`.
    private static func dollarTagEnd(_ characters: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        while index < characters.count {
            let character = characters[index]
            if character == "$" { return index }
            guard character.properties.isAlphabetic || character == "_" || (index > start + 1 && ("0"..."9").contains(character)) else {
                return nil
            }
            index += 1
        }
        return nil
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}
