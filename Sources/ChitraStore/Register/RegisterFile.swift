import Crypto
import Glibc

/// A register file read from disk, refusing what is not a readable regular file with one sentence
/// naming the path, and noticing a file that changes while it is read (every pass must end where
/// its size said, with the size and modification time of the first pass).
public struct RegisterFile: Sendable {
    /// What went wrong with the file itself (not its content): one sentence naming the path.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let path: String
        public let reason: String
        /// What the file is to the reader: "register file", "confirmation file".
        public let label: String

        public init(path: String, reason: String, label: String = "register file") {
            self.path = path
            self.reason = reason
            self.label = label
        }

        public var description: String { "The \(label) \(path) \(reason)" }
    }

    public let path: String
    /// What the file is to the reader, in sentences about it.
    public let label: String

    public init(path: String, label: String = "register file") {
        self.path = path
        self.label = label
    }

    /// Bytes read from the file at a time.
    public static let chunkBytes = 1 << 20

    /// What one pass read: the file's SHA-256 (hex; empty for a pass that does not hash), its size
    /// and when it was last modified.
    public struct Digest: Sendable, Equatable {
        public var sha256: String
        public var bytes: Int
        public var modified: Int64
    }

    /// One pass over the file, a chunk at a time; the file is never held whole in memory.
    public final class Reader {
        let file: RegisterFile
        private let descriptor: Int32
        private let expected: Int
        private let modified: Int64
        /// nil for a pass that does not hash (the import's second pass: the first one did).
        private var hasher: SHA256?
        private var total = 0
        private var chunk = [UInt8](repeating: 0, count: RegisterFile.chunkBytes)

        fileprivate init(file: RegisterFile, descriptor: Int32, hashing: Bool) throws {
            self.file = file
            self.descriptor = descriptor
            hasher = hashing ? SHA256() : nil
            do {
                (expected, modified) = try RegisterFile.regularFileSize(descriptor, path: file.path, label: file.label)
            } catch {
                close(descriptor)
                throw error
            }
        }

        deinit { close(descriptor) }

        /// The next chunk, or nil at the end of the file.
        public func next() throws -> ArraySlice<UInt8>? {
            while true {
                let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, RegisterFile.chunkBytes) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw file.failure("could not be read (\(RegisterFile.describe(errno))).")
                }
                if count == 0 { return nil }
                total += count
                let bytes = chunk[0..<count]
                if hasher != nil { bytes.withUnsafeBytes { hasher!.update(bufferPointer: $0) } }
                return bytes
            }
        }

        /// After the last chunk: what was read, checked against the size the file had when opened.
        public func digest() throws -> Digest {
            guard total == expected else {
                throw file.failure("\(total < expected ? "shrank" : "grew") while it was being read (\(expected) bytes at the start, \(total) read); nothing was imported.")
            }
            let now = try RegisterFile.regularFileSize(descriptor, path: file.path, label: file.label)
            guard now == (expected, modified) else {
                throw file.failure("changed while it was being read; nothing was imported. Import it again once it is saved.")
            }
            return Digest(sha256: hasher.map { $0.finalize().map { RegisterFile.hex($0) }.joined() } ?? "", bytes: total, modified: modified)
        }
    }

    /// Opens the file for a pass. `again`: a later pass over a file read before (a missing file then
    /// disappeared meanwhile), which does not hash it again: its size and modification time must be
    /// those of the first pass.
    public func open(again: Bool = false) throws -> Reader {
        try Reader(file: self, descriptor: try openDescriptor(again: again), hashing: !again)
    }

    /// The whole file and its digest (for files of a few megabytes: confirmations, not registers).
    public func contents() throws -> (data: [UInt8], digest: Digest) {
        let reader = try open()
        var data: [UInt8] = []
        while let chunk = try reader.next() { data.append(contentsOf: chunk) }
        return (data, try reader.digest())
    }

    /// Reads the whole file once: its digest.
    public func digest() throws -> Digest {
        let reader = try open()
        while try reader.next() != nil {}
        return try reader.digest()
    }

    /// Checks that a later pass read the same file as the first.
    public func requireUnchanged(first: Digest, again: Digest) throws {
        guard first.bytes == again.bytes, first.modified == again.modified, again.sha256.isEmpty || first.sha256 == again.sha256 else {
            throw failure("changed while it was being imported; nothing was imported. Import it again once it is saved.")
        }
    }

    private func openDescriptor(again: Bool) throws -> Int32 {
        var info = stat()
        if stat(path, &info) != 0 {
            throw failure(errno != ENOENT ? "cannot be opened (\(Self.describe(errno)))."
                : again ? "disappeared while it was being imported; nothing was imported." : "does not exist.")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw failure("is a folder, not a file.") }
        if (info.st_mode & S_IFMT) != S_IFREG { throw failure("is not a regular file (a pipe, device or socket); save it to a file and use that.") }
        // O_NONBLOCK: should the path have become a FIFO since the check, opening it does not wait for a writer.
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw failure(errno == EACCES ? "cannot be read: permission denied." : errno == ENOENT
                ? "disappeared while it was being imported; nothing was imported." : "cannot be opened (\(Self.describe(errno))).")
        }
        return descriptor
    }

    /// The size and modification time (nanoseconds) of the open file, which must be a regular one.
    fileprivate static func regularFileSize(_ descriptor: Int32, path: String, label: String = "register file") throws -> (Int, Int64) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(path: path, reason: "is not a regular file (a pipe, device or socket); save it to a file and use that.", label: label)
        }
        return (Int(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }

    fileprivate func failure(_ reason: String) -> Failure { Failure(path: path, reason: reason, label: label) }

    fileprivate static func describe(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }

    /// The SHA-256 of bytes already in memory, written as a file's digest is.
    public static func sha256(of bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map(hex).joined() }

    fileprivate static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
