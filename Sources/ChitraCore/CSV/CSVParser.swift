/// A streaming RFC 4180 parser over bytes: quoted fields with commas, doubled quotes and line
/// breaks; CRLF, LF or a lone CR ("CSV (Macintosh)") ending a line, with or without a final one;
/// a UTF-8 BOM skipped. Feed it chunks, it hands back whole records with the
/// line each starts on. No I/O, no buffering beyond the record being read.
public struct CSVParser: Sendable {
    public struct Record: Sendable {
        /// The 1-based line of the file on which the record starts.
        public var line: Int
        /// Every field's bytes, one after the other; `ends[i]` is where field `i` ends.
        var bytes: [UInt8]
        var ends: [Int]

        public var fieldCount: Int { ends.count }

        /// Field `index` as raw UTF-8 bytes (decoded by the caller, which reports invalid UTF-8).
        public func field(_ index: Int) -> ArraySlice<UInt8> {
            bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
        }

        /// Every field as raw bytes.
        public var fields: [ArraySlice<UInt8>] { (0..<ends.count).map(field) }
    }

    /// `bytes` without leading and trailing spaces and tabs (in bytes: Foundation's trimming of a
    /// String cost more than the parsing of a large file).
    public static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex, end = bytes.endIndex
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        return bytes[start..<end]
    }

    public enum Failure: Error, Sendable, Equatable {
        /// A quote inside an unquoted field, or text after a closing quote.
        case strayQuote(line: Int)
        /// The file ended inside a quoted field opened on `line`.
        case unterminatedQuote(line: Int)
        /// One field longer than `maximumFieldBytes`: the file is not a register.
        case fieldTooLong(line: Int)
    }

    /// A field longer than this is refused (a garbage file must not take unbounded memory).
    public static let maximumFieldBytes = 64 * 1024

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    private var state = State.fieldStart
    private var record = Record(line: 1, bytes: [], ends: [])
    private var fieldStartOffset = 0
    private var line = 1
    private var recordLine = 1
    private var atFileStart = true
    /// Inside a quoted field, whether the previous byte was a CR (so that CRLF counts one line).
    private var quotedCR = false
    private var bomBytesSeen = 0

    public init() {}

    /// Parses `bytes`, calling `emit` for each complete record.
    public mutating func feed(_ bytes: [UInt8], emit: (Record) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { try feed($0, emit: emit) }
    }

    /// Parses `bytes`, calling `emit` for each complete record.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, emit: (Record) throws -> Void) throws {
        for byte in bytes {
            if atFileStart {
                // Skip EF BB BF at the very start.
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                if byte == bom[bomBytesSeen] {
                    bomBytesSeen += 1
                    if bomBytesSeen == 3 { atFileStart = false }
                    continue
                }
                atFileStart = false
                if bomBytesSeen > 0 {
                    // Not a BOM after all: those bytes were data.
                    for replayed in bom.prefix(bomBytesSeen) { try consume(replayed, emit: emit) }
                }
            }
            try consume(byte, emit: emit)
        }
    }

    /// Ends the input: emits the last record if the file did not end with a line break.
    public mutating func finish(emit: (Record) throws -> Void) throws {
        switch state {
        case .quoted:
            throw Failure.unterminatedQuote(line: recordLine)
        case .afterCR:
            // The file ended on a lone CR: that CR ended the last record.
            try endRecord(emit: emit, terminated: true)
        case .fieldStart where record.ends.isEmpty && record.bytes.isEmpty:
            return
        default:
            try endRecord(emit: emit, terminated: false)
        }
    }

    @inline(__always)
    private mutating func consume(_ byte: UInt8, emit: (Record) throws -> Void) throws {
        switch state {
        case .fieldStart, .unquoted:
            if try delimiter(byte, emit: emit) { return }
            switch byte {
            case UInt8(ascii: "\""):
                guard state == .fieldStart, record.bytes.count == fieldStartOffset else { throw Failure.strayQuote(line: line) }
                state = .quoted
            default:
                try append(byte)
                state = .unquoted
            }
        case .quoted:
            if byte == UInt8(ascii: "\"") {
                state = .quoteInQuoted
                quotedCR = false
            } else {
                if byte == UInt8(ascii: "\r") || (byte == UInt8(ascii: "\n") && !quotedCR) { line += 1 }
                quotedCR = byte == UInt8(ascii: "\r")
                try append(byte)
            }
        case .quoteInQuoted:
            if try delimiter(byte, emit: emit) { return }
            guard byte == UInt8(ascii: "\"") else { throw Failure.strayQuote(line: line) }
            try append(byte)
            state = .quoted
        case .afterCR:
            try endRecord(emit: emit, terminated: true)
            line += 1
            state = .fieldStart
            if byte != UInt8(ascii: "\n") { try consume(byte, emit: emit) }
        }
    }

    /// A comma, line feed or carriage return outside quotes; returns whether `byte` was one.
    @inline(__always)
    private mutating func delimiter(_ byte: UInt8, emit: (Record) throws -> Void) throws -> Bool {
        switch byte {
        case UInt8(ascii: ","):
            endField()
            state = .fieldStart
        case UInt8(ascii: "\n"):
            try endRecord(emit: emit, terminated: true)
            line += 1
        case UInt8(ascii: "\r"):
            state = .afterCR
        default:
            return false
        }
        return true
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) throws {
        guard record.bytes.count - fieldStartOffset < Self.maximumFieldBytes else { throw Failure.fieldTooLong(line: line) }
        record.bytes.append(byte)
    }

    @inline(__always)
    private mutating func endField() {
        record.ends.append(record.bytes.count)
        fieldStartOffset = record.bytes.count
    }

    /// Hands the record to `emit` (which should not keep it: its storage is reused).
    private mutating func endRecord(emit: (Record) throws -> Void, terminated: Bool) throws {
        endField()
        // A blank line is no record.
        if !(record.ends.count == 1 && record.bytes.isEmpty) {
            record.line = recordLine
            try emit(record)
        }
        record.bytes.removeAll(keepingCapacity: true)
        record.ends.removeAll(keepingCapacity: true)
        fieldStartOffset = 0
        state = .fieldStart
        recordLine = line + (terminated ? 1 : 0)
    }
}
