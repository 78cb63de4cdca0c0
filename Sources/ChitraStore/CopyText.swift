import NIOCore

/// Writing values in COPY's text format.
enum CopyText {
    /// Appends `text` with backslash, tab, newline and carriage return escaped.
    static func append(_ text: String, to buffer: inout ByteBuffer) {
        let needsEscape = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 == UInt8(ascii: "\\") || $0 == 9 || $0 == 10 || $0 == 13 }
        } ?? text.utf8.contains { $0 == UInt8(ascii: "\\") || $0 == 9 || $0 == 10 || $0 == 13 }
        guard needsEscape else {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 9: buffer.writeStaticString("\\t")
            case 10: buffer.writeStaticString("\\n")
            case 13: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
