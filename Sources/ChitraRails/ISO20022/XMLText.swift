/// Text as XML character data: the five characters XML reserves are escaped, and characters XML
/// 1.0 cannot carry at all (control characters other than tab, line feed and carriage return) are
/// dropped, so that a register's odd name never makes an invalid file.
enum XMLText {
    static func escaped(_ text: String) -> String {
        // Most text has nothing to escape or drop (a byte 0xEF may start U+FFFE or U+FFFF): kept
        // as it is, without a scalar-by-scalar copy (a payment file has hundreds of thousands).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x26 && $0 != 0x3C && $0 != 0x3E && $0 != 0x22 && $0 != 0x27 && $0 != 0xEF }) {
            return text
        }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20, scalar.value != 0xFFFE, scalar.value != 0xFFFF { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// `text` without XML's white space (space, tab, line feed, carriage return) at either end:
    /// Foundation's `trimmingCharacters(in:)` bridged each element's text through NSString, and
    /// took 40 % of the bank simulator's time reading payment files.
    static func trimmed(_ text: String) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        if first == utf8.startIndex, utf8.index(after: last) == utf8.endIndex { return text }
        return String(Substring(utf8[first...last]))
    }

    /// At most `limit` characters (ISO 20022's MaxNText counts characters).
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit))
    }
}
