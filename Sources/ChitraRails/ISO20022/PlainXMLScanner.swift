#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A scanner of plain XML, as banks and the simulator write statements: UTF-8, one default
/// namespace declared on the root, no prefixes, no comments, CDATA or document type, the five
/// predefined entities and character references. It hands each element's start (with the root's
/// namespace and its attributes), text and end to a sink, in one pass over the bytes: Foundation's
/// `XMLParser` took 32 µs an entry of a camt.053 (the statements of a million transfers took
/// longer to read than to reconcile). Anything else — or anything not well formed — is `notPlain`,
/// and the caller reads the document with `XMLParser`, whose word on it stands.
enum PlainXMLScanner {
    protocol Sink {
        /// False: stop reading.
        mutating func start(_ name: String, namespaceURI: String?, attributes: [String: String]) -> Bool
        mutating func characters(_ string: String)
        /// The element last opened closes. False: stop reading.
        mutating func end() -> Bool
    }

    enum Outcome: Equatable {
        /// Read to the end of its root element.
        case done
        /// The sink asked to stop.
        case stopped
        /// Not plain, or not well formed: read it with `XMLParser`.
        case notPlain
    }

    static func scan(_ bytes: [UInt8], into sink: inout some Sink) -> Outcome {
        bytes.withUnsafeBufferPointer { scan($0, into: &sink) }
    }

    private static let lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), amp = UInt8(ascii: "&"), slash = UInt8(ascii: "/")
    private static let question = UInt8(ascii: "?"), bang = UInt8(ascii: "!"), equals = UInt8(ascii: "="), colon = UInt8(ascii: ":")

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout some Sink) -> Outcome {
        let count = bytes.count
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        // The open elements' names, where they are in the bytes.
        var open: [Range<Int>] = []
        var namespace: String?
        var rootSeen = false
        while index < count {
            if bytes[index] != lt {
                var end = index
                while end < count, bytes[end] != lt { end += 1 }
                if open.isEmpty {
                    // Outside the root only white space.
                    for i in index..<end where !isSpace(bytes[i]) { return .notPlain }
                } else {
                    guard let text = decoded(bytes, index..<end) else { return .notPlain }
                    sink.characters(text)
                }
                index = end
                continue
            }
            guard index + 1 < count else { return .notPlain }
            switch bytes[index + 1] {
            case question:
                // The XML declaration (UTF-8 only), before the root.
                guard !rootSeen, let close = find([question, gt], in: bytes, from: index + 2) else { return .notPlain }
                let declaration = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<close]), as: UTF8.self).lowercased()
                if declaration.contains("encoding"), !declaration.contains("utf-8") { return .notPlain }
                index = close + 2
            case bang:
                return .notPlain
            case slash:
                var end = index + 2
                while end < count, bytes[end] != gt { end += 1 }
                guard end < count else { return .notPlain }
                var nameEnd = end
                while nameEnd > index + 2, isSpace(bytes[nameEnd - 1]) { nameEnd -= 1 }
                guard let last = open.last, last.count == nameEnd - index - 2,
                      memcmp(bytes.baseAddress! + last.lowerBound, bytes.baseAddress! + index + 2, last.count) == 0 else { return .notPlain }
                open.removeLast()
                if !sink.end() { return .stopped }
                index = end + 1
                if open.isEmpty { return trailing(bytes, from: index) }
            default:
                guard !(rootSeen && open.isEmpty) else { return .notPlain }
                var i = index + 1
                while i < count, !isSpace(bytes[i]), bytes[i] != gt, bytes[i] != slash { i += 1 }
                guard i < count, i > index + 1 else { return .notPlain }
                let nameRange = (index + 1)..<i
                let nameBytes = UnsafeBufferPointer(rebasing: bytes[nameRange])
                if nameBytes.contains(colon) { return .notPlain }
                let name = String(decoding: nameBytes, as: UTF8.self)
                var attributes: [String: String] = [:]
                var selfClosing = false
                while true {
                    while i < count, isSpace(bytes[i]) { i += 1 }
                    guard i < count else { return .notPlain }
                    if bytes[i] == gt { i += 1; break }
                    if bytes[i] == slash {
                        guard i + 1 < count, bytes[i + 1] == gt else { return .notPlain }
                        selfClosing = true
                        i += 2
                        break
                    }
                    let attributeStart = i
                    while i < count, bytes[i] != equals, !isSpace(bytes[i]), bytes[i] != gt { i += 1 }
                    let attribute = String(decoding: UnsafeBufferPointer(rebasing: bytes[attributeStart..<i]), as: UTF8.self)
                    while i < count, isSpace(bytes[i]) { i += 1 }
                    guard i < count, bytes[i] == equals, !attribute.isEmpty else { return .notPlain }
                    i += 1
                    while i < count, isSpace(bytes[i]) { i += 1 }
                    guard i < count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { return .notPlain }
                    let quote = bytes[i]
                    let valueStart = i + 1
                    i = valueStart
                    while i < count, bytes[i] != quote, bytes[i] != lt { i += 1 }
                    guard i < count, bytes[i] == quote, let value = decoded(bytes, valueStart..<i) else { return .notPlain }
                    i += 1
                    if attribute == "xmlns", open.isEmpty, !rootSeen {
                        namespace = value
                    } else if attribute.hasPrefix("xmlns") || attribute.contains(":") || attributes[attribute] != nil {
                        return .notPlain
                    } else {
                        attributes[attribute] = value
                    }
                }
                rootSeen = true
                if !sink.start(name, namespaceURI: namespace, attributes: attributes) { return .stopped }
                if selfClosing {
                    if !sink.end() { return .stopped }
                    if open.isEmpty { return trailing(bytes, from: i) }
                } else {
                    open.append(nameRange)
                }
                index = i
            }
        }
        return .notPlain
    }

    /// After the root closed: white space alone.
    private static func trailing(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Outcome {
        for i in index..<bytes.count where !isSpace(bytes[i]) { return .notPlain }
        return .done
    }

    private static func find(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var i = start
        while i + pattern.count <= bytes.count {
            if bytes[i] == pattern[0], (1..<pattern.count).allSatisfy({ bytes[i + $0] == pattern[$0] }) { return i }
            i += 1
        }
        return nil
    }

    /// Character data with its entities and character references replaced; nil for an entity
    /// not predefined or a reference to no character.
    private static func decoded(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        let slice = UnsafeBufferPointer(rebasing: bytes[range])
        guard slice.contains(amp) else { return String(decoding: slice, as: UTF8.self) }
        var result: [UInt8] = []
        result.reserveCapacity(slice.count)
        var i = 0
        while i < slice.count {
            guard slice[i] == amp else { result.append(slice[i]); i += 1; continue }
            var end = i + 1
            while end < slice.count, slice[end] != UInt8(ascii: ";") { end += 1 }
            guard end < slice.count else { return nil }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: slice[(i + 1)..<end]), as: UTF8.self)
            switch entity {
            case "lt": result.append(lt)
            case "gt": result.append(gt)
            case "amp": result.append(amp)
            case "quot": result.append(UInt8(ascii: "\""))
            case "apos": result.append(UInt8(ascii: "'"))
            default:
                let number: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                guard let number, let scalar = Unicode.Scalar(number) else { return nil }
                result.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = end + 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
