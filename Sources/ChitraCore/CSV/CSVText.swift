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

    /// A cell a spreadsheet would take for a formula (OWASP's CSV injection rule: it starts with
    /// `=`, `+`, `-`, `@`, a tab or a carriage return), made text by a leading apostrophe, which
    /// Excel and LibreOffice show as nothing. Every list for people goes through this: a name typed
    /// as `=HYPERLINK(…)` in a register reaches the officer as the text it is.
    public static func neutralised(_ text: String) -> String {
        guard let first = text.utf8.first, [61, 43, 45, 64, 9, 13].contains(first) else { return text }
        return "'" + text
    }

    /// One record, its fields quoted where needed, ended by `ending`.
    public static func line(_ fields: [String], ending: String = "\r\n") -> String {
        fields.map(field).joined(separator: ",") + ending
    }
}
