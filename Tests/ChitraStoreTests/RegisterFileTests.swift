import ChitraCore
import ChitraStore
import ChitraTesting
import Foundation
import Testing

/// What is wrong with the file itself, as one sentence naming the path: never a platform error.
@Suite("Register file problems")
struct RegisterFileTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "chitra-files-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func reason(_ body: () throws -> Void) -> String? {
        do { try body() } catch let failure as RegisterFile.Failure { return failure.description } catch { return "unexpected: \(error)" }
        return nil
    }

    @Test("a folder, a FIFO, a device and a missing path are each one sentence")
    func notAFile() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/register.csv"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(Self.reason { _ = try RegisterFile(path: folder).digest() } == "The register file \(folder) is a folder, not a file.")
        #expect(Self.reason { _ = try RegisterFile(path: fifo).digest() }
            == "The register file \(fifo) is not a regular file (a pipe, device or socket); save it to a file and use that.")
        #expect(Self.reason { _ = try RegisterFile(path: "/dev/null").digest() }?.hasPrefix("The register file /dev/null is not a regular file") == true)
        #expect(Self.reason { _ = try RegisterFile(path: folder + "/none.csv").digest() } == "The register file \(folder)/none.csv does not exist.")
    }

    @Test("a file that shrinks while it is read, disappears between passes, or changes between them is refused")
    func changesWhileRead() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/register.csv"
        // Three chunks' worth, so that the file can be cut while the first chunk is being read.
        try Data(repeating: UInt8(ascii: "x"), count: RegisterFile.chunkBytes * 3).write(to: URL(fileURLWithPath: path))
        let file = RegisterFile(path: path)
        let shrank = Self.reason {
            let reader = try file.open()
            _ = try reader.next()
            #expect(truncate(path, 1000) == 0)
            while try reader.next() != nil {}
            _ = try reader.digest()
        }
        #expect(shrank == "The register file \(path) shrank while it was being read (\(RegisterFile.chunkBytes * 3) bytes at the start, \(RegisterFile.chunkBytes) read); nothing was imported.")

        let first = try file.digest()
        try Data("y".utf8 + Array(repeating: UInt8(ascii: "x"), count: 999)).write(to: URL(fileURLWithPath: path))
        let changed = Self.reason { try file.requireUnchanged(first: first, again: try file.digest()) }
        #expect(changed == "The register file \(path) changed while it was being imported; nothing was imported. Import it again once it is saved.")

        try FileManager.default.removeItem(atPath: path)
        #expect(Self.reason { _ = try file.open(again: true) } == "The register file \(path) disappeared while it was being imported; nothing was imported.")
    }

    @Test("importing a folder says so, and writes nothing")
    func importFolder() async throws {
        try await TestPostgres.withDatabase { database in
            let folder = try Self.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            await #expect(throws: RegisterFile.Failure(path: folder, reason: "is a folder, not a file.")) {
                try await RegisterImporter(database: database, policy: try PolicyTable.bundled()).importFile(at: folder, district: "954", by: .test("operator"))
            }
        }
    }
}
