import Foundation

/// A password file in PostgreSQL's `.pgpass` format (`PGPASSFILE`): one
/// `hostname:port:database:username:password` a line, `*` matching anything, `\:` and `\\` escaped,
/// `#` starting a comment. It keeps passwords out of the process list, where a URL given as an
/// argument would show them to every local user.
public struct PasswordFile: Sendable {
    struct Entry: Sendable {
        var fields: [String]

        func matches(_ url: DatabaseURL) -> Bool {
            let wanted = [url.socketDirectory == nil ? (url.host ?? "localhost") : "localhost", "\(url.port)", url.database, url.user]
            return zip(fields.prefix(4), wanted).allSatisfy { $0 == "*" || $0 == $1 }
        }
    }

    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String)
        case readableByOthers(path: String)
        case noEntry(path: String, url: String)

        public var description: String {
            switch self {
            case .unreadable(let path): "The password file \(path) cannot be read."
            case .readableByOthers(let path): "The password file \(path) can be read by other users; make it private with chmod 600."
            case .noEntry(let path, let url): "The password file \(path) has no line for \(url)."
            }
        }
    }

    public let path: String
    let entries: [Entry]

    /// Reads the file; refuses one that other users could read (as libpq does).
    public init(path: String) throws(Failure) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .unreadable(path: path) }
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw .readableByOthers(path: path)
        }
        self.path = path
        entries = text.split(whereSeparator: \.isNewline).compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = Self.fields(of: line)
            return fields.count == 5 ? Entry(fields: fields) : nil
        }
    }

    /// `url` with the password of its first matching line.
    public func applied(to url: DatabaseURL) throws(Failure) -> DatabaseURL {
        guard let entry = entries.first(where: { $0.matches(url) }) else { throw .noEntry(path: path, url: url.description) }
        var copy = url
        copy.password = entry.fields[4]
        return copy
    }

    static func fields(of line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
