import NIOCore

/// JSON written straight into a buffer, for the answers read most often (a page of a run's
/// disbursements at every request of a province's screen): the same bytes `JSONResponse.encode`
/// writes (keys sorted, absent optionals left out, `/` escaped as `\/`), without building a tree
/// of boxed values first — Foundation's encoder spent a fifth of the API's CPU on that page.
struct JSONBytes {
    private(set) var buffer: ByteBuffer
    /// Whether the object or array being written has a member already (a comma goes before the next).
    private var hasMember: [Bool] = []

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func beginObject() { separate(); buffer.writeInteger(UInt8(ascii: "{")); hasMember.append(false) }
    mutating func endObject() { hasMember.removeLast(); buffer.writeInteger(UInt8(ascii: "}")) }
    mutating func beginArray() { separate(); buffer.writeInteger(UInt8(ascii: "[")); hasMember.append(false) }
    mutating func endArray() { hasMember.removeLast(); buffer.writeInteger(UInt8(ascii: "]")) }

    /// A key; its value is written next. Keys are written in the order given: the caller sorts them.
    mutating func key(_ key: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        key.withUTF8Buffer { _ = buffer.writeBytes($0) }
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeInteger(UInt8(ascii: ":"))
        // The value that follows is this member, not another one.
        hasMember[hasMember.count - 1] = false
    }

    mutating func string(_ text: String) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard let escape = Self.escape(byte) else { continue }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                buffer.writeString(escape)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    mutating func integer(_ value: some BinaryInteger) {
        separate()
        buffer.writeString(String(value))
    }

    /// A member whose value is a string, left out when there is none.
    mutating func member(_ name: StaticString, _ text: String?) {
        guard let text else { return }
        key(name)
        string(text)
    }

    mutating func member(_ name: StaticString, _ value: some BinaryInteger) {
        key(name)
        integer(value)
    }

    private mutating func separate() {
        guard let last = hasMember.last else { return }
        if last { buffer.writeInteger(UInt8(ascii: ",")) }
        hasMember[hasMember.count - 1] = true
    }

    /// How a byte of a string is written when not as itself: the quote, the backslash, the slash
    /// and the control characters (UTF-8's other bytes are written as they are).
    private static func escape(_ byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "\""): "\\\""
        case UInt8(ascii: "\\"): "\\\\"
        case UInt8(ascii: "/"): "\\/"
        case 0x08: "\\b"
        case 0x0C: "\\f"
        case UInt8(ascii: "\n"): "\\n"
        case UInt8(ascii: "\r"): "\\r"
        case UInt8(ascii: "\t"): "\\t"
        case 0..<0x20: "\\u00" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        default: nil
        }
    }
}
