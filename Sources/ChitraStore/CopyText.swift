import ChitraCore
import NIOCore

/// Writing values in COPY's text format into a `ByteBuffer` (the escaping is `CopyFormat`'s).
enum CopyText {
    static func append(_ text: String, to buffer: inout ByteBuffer) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        CopyFormat.append(text, to: &bytes)
        buffer.writeBytes(bytes)
    }
}
