import ChitraStore
import Foundation
import Testing

@Suite("Password file (.pgpass format)")
struct PasswordFileTests {
    static func write(_ text: String, mode: Int) throws -> String {
        let path = NSTemporaryDirectory() + "chitra-pgpass-\(UUID().uuidString.prefix(8))"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test("the first matching line gives the password; * matches anything; \\: and \\\\ are escaped")
    func lookup() throws {
        let path = try Self.write("""
            # comment
            db.example:5432:other:chitra:wrong
            db.example:*:chitra:chitra:se\\:cr\\\\et
            *:*:*:*:fallback
            """, mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try PasswordFile(path: path)
        let url = DatabaseURL(user: "chitra", host: "db.example", port: 6432, database: "chitra")
        #expect(try file.applied(to: url).password == "se:cr\\et")
        #expect(try file.applied(to: url.with(database: "x")).password == "fallback")
    }

    @Test("a file other users can read is refused, and a missing line is said")
    func refused() throws {
        let open = try Self.write("*:*:*:*:pw\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: open) }
        #expect(throws: PasswordFile.Failure.readableByOthers(path: open)) { try PasswordFile(path: open) }
        let narrow = try Self.write("h:1:d:u:pw\n", mode: 0o600)
        defer { try? FileManager.default.removeItem(atPath: narrow) }
        let url = DatabaseURL(user: "u", host: "h", port: 2, database: "d")
        #expect(throws: PasswordFile.Failure.noEntry(path: narrow, url: url.description)) { try PasswordFile(path: narrow).applied(to: url) }
    }
}
