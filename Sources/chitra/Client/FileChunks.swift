import Foundation
import NIOCore

/// A file read in 256 KiB pieces for an upload; a file that grows or shrinks while it is sent is
/// refused (the server would import something other than what was meant).
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let handle: FileHandle
    let path: String
    let size: UInt64
    let progress: @Sendable (Int64) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunks: FileChunks
        var sent: UInt64 = 0

        mutating func next() async throws -> ByteBuffer? {
            let data = try chunks.handle.read(upToCount: 256 * 1024) ?? Data()
            sent += UInt64(data.count)
            guard data.isEmpty ? sent == chunks.size : sent <= chunks.size else {
                throw FileFailure("\(chunks.path) changed while it was sent; nothing of it was kept. Send it again once nothing writes to it.")
            }
            if data.isEmpty { return nil }
            chunks.progress(Int64(sent))
            return ByteBuffer(data: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
}
