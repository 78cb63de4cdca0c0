import Foundation
import NIOCore

/// A file read in 256 KiB pieces for an upload; a file that grows or shrinks while it is sent is
/// refused (the server would import something other than what was meant).
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    struct Changed: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) changed while it was sent; nothing was imported. Send it again once nothing writes to it." }
    }

    let handle: UncheckedHandle
    let path: String
    let size: UInt64
    let progress: @Sendable (Int64) -> Void

    init(handle: FileHandle, path: String, size: UInt64, progress: @escaping @Sendable (Int64) -> Void) {
        self.handle = UncheckedHandle(file: handle)
        self.path = path
        self.size = size
        self.progress = progress
    }

    /// One upload reads its file alone.
    struct UncheckedHandle: @unchecked Sendable { let file: FileHandle }

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunks: FileChunks
        var sent: UInt64 = 0

        mutating func next() async throws -> ByteBuffer? {
            let data = try chunks.handle.file.read(upToCount: 256 * 1024) ?? Data()
            if data.isEmpty {
                guard sent == chunks.size else { throw Changed(path: chunks.path) }
                return nil
            }
            sent += UInt64(data.count)
            guard sent <= chunks.size else { throw Changed(path: chunks.path) }
            chunks.progress(Int64(sent))
            return ByteBuffer(data: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
}
