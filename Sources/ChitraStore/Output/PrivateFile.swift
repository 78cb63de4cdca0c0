import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file of personal data or secrets (lists, cash lists, tokens, passwords), readable by its owner
/// alone: created with mode 0600, or truncated and set to 0600 if it exists. Opened in place, never
/// replaced by a rename, so that a path such as /dev/stdout stays what it is.
public enum PrivateFile {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case cannotWrite(path: String, reason: String)
        public var description: String {
            switch self {
            case .cannotWrite(let path, let reason): "Cannot write \(path): \(reason)."
            }
        }
    }

    /// Opens `path` for writing, empty, mode 0600 if it is a regular file.
    public static func create(_ path: String) throws(Failure) -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, fchmod(descriptor, 0o600) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotWrite(path: path, reason: reason)
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Writes `text` to `path`, mode 0600.
    public static func write(_ text: String, to path: String) throws(Failure) {
        let handle = try create(path)
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.close()
        } catch {
            throw .cannotWrite(path: path, reason: "\(error)")
        }
    }
}
