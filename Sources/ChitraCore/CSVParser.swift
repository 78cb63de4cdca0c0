/// A streaming RFC 4180 parser over bytes: quoted fields with commas, doubled quotes and line
/// breaks; CRLF or LF; a UTF-8 BOM skipped. Feed it chunks, it hands back whole records with the
/// line each starts on. No I/O, no buffering beyond the record being read.
public struct CSVParser: Sendable {
    public struct Record: Sendable {
        /// The 1-based line of the file on which the record starts.
        public var line: Int
        /// Fields as raw UTF-8 bytes (decoded by the caller, which reports invalid UTF-8).
        public var fields: [[UInt8]]
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
    private var field: [UInt8] = []
    private var fields: [[UInt8]] = []
    private var line = 1
    private var recordLine = 1
    private var atFileStart = true
    private var bomBytesSeen = 0

    public init() {}

    /// Parses `bytes`, calling `emit` for each complete record.
    public mutating func feed(_ bytes: some Sequence<UInt8>, emit: (Record) throws -> Void) throws {
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
        case .fieldStart where fields.isEmpty && field.isEmpty, .afterCR:
            return
        default:
            endRecord(emit: emit, terminated: false)
            try flush(emit)
        }
    }

    private var pending: Record?

    private mutating func flush(_ emit: (Record) throws -> Void) throws {
        if let record = pending {
            pending = nil
            try emit(record)
        }
    }

    @inline(__always)
    private mutating func consume(_ byte: UInt8, emit: (Record) throws -> Void) throws {
        switch state {
        case .fieldStart, .unquoted:
            switch byte {
            case UInt8(ascii: ","):
                fields.append(field)
                field.removeAll(keepingCapacity: true)
                state = .fieldStart
            case UInt8(ascii: "\n"):
                endRecord(emit: emit, terminated: true)
                line += 1
                try flush(emit)
            case UInt8(ascii: "\r"):
                state = .afterCR
            case UInt8(ascii: "\""):
                guard state == .fieldStart, field.isEmpty else { throw Failure.strayQuote(line: line) }
                state = .quoted
            default:
                try append(byte)
                state = .unquoted
            }
        case .quoted:
            if byte == UInt8(ascii: "\"") {
                state = .quoteInQuoted
            } else {
                if byte == UInt8(ascii: "\n") { line += 1 }
                try append(byte)
            }
        case .quoteInQuoted:
            switch byte {
            case UInt8(ascii: "\""):
                try append(byte)
                state = .quoted
            case UInt8(ascii: ","):
                fields.append(field)
                field.removeAll(keepingCapacity: true)
                state = .fieldStart
            case UInt8(ascii: "\n"):
                endRecord(emit: emit, terminated: true)
                line += 1
                try flush(emit)
            case UInt8(ascii: "\r"):
                state = .afterCR
            default:
                throw Failure.strayQuote(line: line)
            }
        case .afterCR:
            endRecord(emit: emit, terminated: true)
            line += 1
            try flush(emit)
            state = .fieldStart
            if byte != UInt8(ascii: "\n") { try consume(byte, emit: emit) }
        }
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) throws {
        guard field.count < Self.maximumFieldBytes else { throw Failure.fieldTooLong(line: line) }
        field.append(byte)
    }

    private mutating func endRecord(emit: (Record) throws -> Void, terminated: Bool) {
        fields.append(field)
        field.removeAll(keepingCapacity: true)
        // A blank line is no record.
        if !(fields.count == 1 && fields[0].isEmpty) {
            pending = Record(line: recordLine, fields: fields)
        }
        fields.removeAll(keepingCapacity: true)
        state = .fieldStart
        recordLine = line + (terminated ? 1 : 0)
    }
}
