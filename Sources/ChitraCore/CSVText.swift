import Foundation

/// CSV as Chitra writes it for people (RFC 4180; a BOM and CRLF so that Excel opens it in UTF-8),
/// the counterpart of `CSVParser`.
public enum CSVText {
    public static let byteOrderMark = "\u{FEFF}"

    /// A field, quoted when it holds a comma, a quote or a line break (looked for in bytes: Swift
    /// holds "\r\n" as one Character, equal to neither "\r" nor "\n").
    public static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return text }
        // Quotes doubled in Swift (Foundation's replacingOccurrences went through NSString).
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// One record, its fields quoted where needed, ended by `ending`.
    public static func line(_ fields: [String], ending: String = "\r\n") -> String {
        fields.map(field).joined(separator: ",") + ending
    }
}
